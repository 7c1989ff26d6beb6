import { cutOnCodePoint } from '@trawl/contracts/text';

/**
 * E-mail addresses written out plainly: in visible text and in mailto: links.
 * Text is searched for '@' with indexOf; only a bounded window around each '@' is looked at, so
 * the cost is linear in the text whatever it holds.
 */

/** Visible text is searched on its first this-many characters. */
export const MAX_TEXT_SCAN = 500_000;
/** Addresses reported per text at most. */
export const MAX_EMAILS_PER_TEXT = 100;
const MAX_LOCAL_PART = 64;

const EMAIL_EXACT = /^[a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}$/;
// The domain right after an '@' (sticky: matched at lastIndex only). At most 8 labels of at most
// 63 characters, so one attempt reads a bounded number of characters.
const DOMAIN_AFTER_AT = /(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}(?![a-z0-9-])/iy;
/** "TLDs" that are really file extensions: logo@2x.png, bundle@1.2.js ... */
const FAKE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'avif', 'css', 'js', 'ico', 'bmp', 'tiff']);
const PLACEHOLDER_DOMAINS = new Set(['example.com', 'example.org', 'example.net', 'domain.com', 'email.com']);

export function normalizeEmail(candidate: string): string | undefined {
  const email = candidate.trim().toLowerCase();
  if (email.length > 254 || !EMAIL_EXACT.test(email)) return undefined;
  const [local = '', domain = ''] = email.split('@');
  if (local.endsWith('.') || local.includes('..')) return undefined;
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (FAKE_TLDS.has(tld) || PLACEHOLDER_DOMAINS.has(domain)) return undefined;
  return email;
}

/** `mailto:a@b.c,d@e.f?subject=x` -> the addresses. */
export function emailsFromMailto(href: string): string[] {
  const match = /^\s*mailto:([^?#]*)/i.exec(href);
  if (!match?.[1]) return [];
  let list = match[1];
  try {
    list = decodeURIComponent(list);
  } catch {
    // keep the raw text
  }
  return list
    .split(/[,;]/)
    .map(normalizeEmail)
    .filter((email): email is string => email !== undefined);
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39);
}

function isLocalPartCharacter(code: number): boolean {
  // a-z A-Z 0-9 . _ % + -
  return isAsciiAlphanumeric(code) || code === 0x2e || code === 0x5f || code === 0x25 || code === 0x2b || code === 0x2d;
}

/**
 * The local part that ends at `end` (where the '@' or its stand-in begins): the run of address
 * characters before it, from its first letter or digit. A run longer than a local part may be is
 * not an address.
 */
export function localPartBefore(text: string, end: number): string | undefined {
  let start = end;
  while (start > 0 && end - start <= MAX_LOCAL_PART && isLocalPartCharacter(text.charCodeAt(start - 1))) start -= 1;
  if (end - start > MAX_LOCAL_PART) return undefined;
  while (start < end && !isAsciiAlphanumeric(text.charCodeAt(start))) start += 1;
  return start < end ? text.slice(start, end) : undefined;
}

/** Addresses written as local@domain.tld in text. */
export function emailsFromText(text: string): string[] {
  const scanned = cutOnCodePoint(text, MAX_TEXT_SCAN);
  const found: string[] = [];
  for (
    let at = scanned.indexOf('@');
    at !== -1 && found.length < MAX_EMAILS_PER_TEXT;
    at = scanned.indexOf('@', at + 1)
  ) {
    const local = localPartBefore(scanned, at);
    if (local === undefined) continue;
    DOMAIN_AFTER_AT.lastIndex = at + 1;
    const domain = DOMAIN_AFTER_AT.exec(scanned)?.[0];
    if (domain === undefined) continue;
    const email = normalizeEmail(`${local}@${domain}`);
    if (email) found.push(email);
  }
  return found;
}
