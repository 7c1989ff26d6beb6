/**
 * Passwords out of anything shown or logged: `scheme://user:secret@host` becomes
 * `scheme://user:***@host`. Bounded quantifiers keep it linear on long text.
 */
const URL_PASSWORD = /([a-z][a-z0-9+.-]{0,30}:\/\/[^\s/:@]{0,256}:)[^\s/@]{1,1024}@/gi;

export function redactUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, '$1***@');
}
