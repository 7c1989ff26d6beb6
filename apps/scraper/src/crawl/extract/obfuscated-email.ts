import { cutOnCodePoint } from '@trawl/contracts/text';
import { localPartBefore, MAX_EMAILS_PER_TEXT, MAX_TEXT_SCAN, normalizeEmail } from './email-address';
import { isPlausibleTld } from './top-level-domain';

/**
 * Addresses written so that harvesters miss them: "jane [at] acme [dot] com", "jane(at)acme(dot)com",
 * "jane @ acme . com", "jane at acme dot com". ("jane&#64;acme.com" needs nothing: the HTML
 * scanner decodes the entity, and the text holds a plain address.)
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
const AT_PATTERN = `(${SPACE}{0,3}${OPEN}${SPACE}{0,2}(?:at|@)${SPACE}{0,2}${CLOSE}${SPACE}{0,3}|${SPACE}{1,3}@${SPACE}{0,3}|@${SPACE}{1,3})|${SPACE}{1,3}at${SPACE}{1,3}`;
/** AT_PATTERN, tried at one position. */
const AT_HERE = new RegExp(AT_PATTERN, 'iy');
/**
 * What every match of AT_PATTERN holds, found at a few characters' cost: a bracket, an '@', or the
 * word "at" with space on both sides. A match starts on its anchor or on the (at most 3) spaces before it.
 */
const AT_ANCHOR = new RegExp(`[\\[({<@]|(?<=${SPACE})at(?=${SPACE})`, 'gi');
const AT_LEAD = 3;

export interface AtMark {
  start: number;
  end: number;
  /** A bracketed or symbol '@' (not the plain word "at"). */
  marked: boolean;
}

/**
 * The stand-ins for '@' in `text`, as a global scan of AT_PATTERN finds them (leftmost first, no
 * overlaps), without running the pattern at every space (about one character in six of a page's
 * text, and at each one it tries four alternatives): only the positions an anchor allows are tried.
 */
export function atMarks(text: string): AtMark[] {
  const marks: AtMark[] = [];
  let scannedTo = 0; // positions below this were tried or lie inside a match
  AT_ANCHOR.lastIndex = 0;
  for (let anchor = AT_ANCHOR.exec(text); anchor; anchor = AT_ANCHOR.exec(text)) {
    for (let start = Math.max(scannedTo, anchor.index - AT_LEAD); start <= anchor.index; start += 1) {
      AT_HERE.lastIndex = start;
      const match = AT_HERE.exec(text);
      scannedTo = start + 1;
      if (match) {
        marks.push({ start, end: start + match[0].length, marked: match[1] !== undefined });
        scannedTo = start + match[0].length;
        // A match may end past anchors still to come: the scan goes on from its end.
        AT_ANCHOR.lastIndex = Math.max(AT_ANCHOR.lastIndex, scannedTo);
        break;
      }
    }
  }
  return marks;
}
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
  for (const mark of atMarks(scanned)) {
    if (found.length >= MAX_EMAILS_PER_TEXT) break;
    const email = addressAround(scanned, mark.start, mark.end, mark.marked);
    if (email) found.push(email);
  }
  return found;
}
