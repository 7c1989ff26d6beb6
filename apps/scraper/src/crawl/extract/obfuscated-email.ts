import { cutOnCodePoint } from '@trawl/contracts';
import { localPartBefore, MAX_EMAILS_PER_TEXT, MAX_TEXT_SCAN, normalizeEmail } from './email-address';
import { isPlausibleTld } from './top-level-domain';

/**
 * Addresses written so that harvesters miss them: "jane [at] acme [dot] com", "jane(at)acme(dot)com",
 * "jane @ acme . com", "jane at acme dot com". ("jane&#64;acme.com" needs nothing: the HTML
 * tokenizer decodes the entity, and the text holds a plain address.)
 *
 * Each stand-in for '@' is found with one bounded pattern; the local part is read backwards from it
 * and the domain is matched forwards with a bounded sticky pattern, so the cost is linear in the text.
 * Every form needs a plausible TLD, and no pronoun or article as local part or host ("find us @
 * acme.com", "look at this dot com" are prose). Plain words ("at", "dot") are read more strictly
 * still: " dot " between every label and no dots ("jane at acme.com" may be prose too).
 */

// Horizontal space only: a block boundary (newline in the visible text) never sits inside an address.
const SPACE = '[ \\t\\u00a0]';
const OPEN = '[\\[({<]';
const CLOSE = '[\\])}>]';
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const TLD = '([a-z]{2,24})(?![a-z0-9-])';

/** "[at]", "(@)" ..., or an '@' with space beside it (group 1); or the word "at" between spaces. */
const AT = new RegExp(
  `(${SPACE}{0,3}${OPEN}${SPACE}{0,2}(?:at|@)${SPACE}{0,2}${CLOSE}${SPACE}{0,3}|${SPACE}{1,3}@${SPACE}{0,3}|@${SPACE}{1,3})|${SPACE}{1,3}at${SPACE}{1,3}`,
  'gi',
);
// "[dot]", "(.)" ..., " dot ", a plain '.', or a '.' with space on both sides ("acme . com"; the
// full stop of "at acme. Then" has none before it).
const MARKED_DOT = `${SPACE}{0,2}${OPEN}${SPACE}{0,2}(?:dot|\\.)${SPACE}{0,2}${CLOSE}${SPACE}{0,2}|${SPACE}{1,2}dot${SPACE}{1,2}|\\.|${SPACE}{1,2}\\.${SPACE}{1,2}`;
const WORD_DOT = `${SPACE}{1,2}dot${SPACE}{1,2}`;
const MARKED_DOMAIN = new RegExp(`(?:${LABEL}(?:${MARKED_DOT})){1,4}${TLD}`, 'iy');
const WORD_DOMAIN = new RegExp(`(?:${LABEL}${WORD_DOT}){1,4}${TLD}`, 'iy');
const ANY_DOT = new RegExp(MARKED_DOT, 'gi');

/** Words that stand before or after "at" in prose; taken for a local part or host, they make prose an address. */
// prettier-ignore
const PROSE_WORDS = new Set([
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'it', 'its', 'i', 'me', 'my', 'we', 'us', 'our', 'you',
  'your', 'he', 'him', 'his', 'she', 'her', 'they', 'them', 'their', 'one', 'all', 'any', 'least', 'most',
  'once', 'first', 'last', 'home', 'work', 'night', 'noon', 'time', 'times', 'look', 'looking', 'looked',
  'stay', 'meet', 'arrive', 'is', 'are', 'was', 'were', 'be', 'not', 'no', 'which', 'what', 'where', 'here',
  'there',
]);

function addressAround(text: string, atStart: number, atEnd: number, marked: boolean): string | undefined {
  const local = localPartBefore(text, atStart);
  if (local === undefined) return undefined;
  const domainPattern = marked ? MARKED_DOMAIN : WORD_DOMAIN;
  domainPattern.lastIndex = atEnd;
  const match = domainPattern.exec(text);
  if (!match?.[1] || !isPlausibleTld(match[1].toLowerCase())) return undefined;
  const domain = match[0].replace(ANY_DOT, '.');
  const host = domain.slice(0, domain.indexOf('.'));
  if (PROSE_WORDS.has(local.toLowerCase()) || PROSE_WORDS.has(host.toLowerCase())) return undefined;
  return normalizeEmail(`${local}@${domain}`);
}

/** Obfuscated addresses in text, normalised to local@domain.tld. */
export function obfuscatedEmailsFromText(text: string): string[] {
  const scanned = cutOnCodePoint(text, MAX_TEXT_SCAN);
  const found: string[] = [];
  for (const match of scanned.matchAll(AT)) {
    if (found.length >= MAX_EMAILS_PER_TEXT) break;
    const email = addressAround(scanned, match.index, match.index + match[0].length, match[1] !== undefined);
    if (email) found.push(email);
  }
  return found;
}
