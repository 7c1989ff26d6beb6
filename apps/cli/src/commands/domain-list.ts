/** The domains of a list file: one a line; blank lines and `#` comments (whole-line or trailing) are ignored. */
export function parseDomainList(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}
