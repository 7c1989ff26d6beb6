/** A bench's flags: `--name value` after the bench's name (`npm run bench -- crawl-engine --sites 400`). */

/** The value after `--name`, or `fallback` when the flag is absent. */
export function textFlag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

/** A number of at least `min`; anything else stops the bench with a message naming the flag. */
export function numberFlag(name: string, fallback: number, min = 0): number {
  const value = Number(textFlag(name, String(fallback)));
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number >= ${min}`);
  return value;
}

/** An integer of at least `min`; anything else stops the bench with a message naming the flag. */
export function integerFlag(name: string, fallback: number, min = 0): number {
  const value = numberFlag(name, fallback, min);
  if (!Number.isInteger(value)) throw new Error(`--${name} must be an integer >= ${min}`);
  return value;
}
