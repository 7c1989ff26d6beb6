import { cutOnCodePoint } from '@trawl/contracts/text';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { MAX_TEXT_SCAN } from './email-address';

/**
 * Phone numbers, reported in E.164 ("+442079460958"). Deliberately conservative: a missed number
 * is better than a version string reported as a phone.
 * - Written internationally ("+44 20 7946 0958", "0044 20 7946 0958"): kept when libphonenumber
 *   finds the number possible for its country.
 * - Written nationally ("020 7946 0958"): only when the page's country is known, the number is
 *   valid there and is written the way that country writes its numbers (trunk prefix and all).
 * libphonenumber's own text search is not used: it is slow on digit-heavy text (seconds on a
 * megabyte of "1 1 1") and, given a country, takes dates and versions for numbers. Candidates are
 * found here with one bounded pattern instead, and at most MAX_PARSED_CANDIDATES are parsed.
 */

export const MAX_PHONES_PER_TEXT = 50;
const MAX_PARSED_CANDIDATES = 100;
const MAX_TEL_LENGTH = 64;

// Characters that may separate digit groups: spaces (also no-break and thin), . / ( ) and hyphens.
const SEPARATOR = '[ \\u00a0\\u2009\\u202f./()\\u2010\\u2011-]';
// Not inside a word, an amount, an id or a longer digit sequence.
const NOT_AFTER = '(?<![\\w+#.,/@-])';
/**
 * A run of 6 to 18 digits with at most 3 separator characters between two digits, led by "+",
 * "(" or "(+", or by a digit that does not continue an earlier group. Separators and digits are
 * disjoint, so one attempt reads at most ~70 characters and backtracks a bounded amount.
 */
const PHONE_RUN = new RegExp(
  `(?:${NOT_AFTER}(?:\\+|\\(\\+?)|${NOT_AFTER}(?<!\\d${SEPARATOR}{1,3}))\\d(?:${SEPARATOR}{0,3}\\d){5,17}(?!\\w|${SEPARATOR}{1,3}\\d)`,
  'g',
);
const INTERNATIONAL_PREFIX = /^\(?(?:\+|00(?=[1-9]))/;
/** 2024-01-15, 15.01.2024, 01/15/2024. */
const DATE = /^\d{1,4}([./-])\d{1,2}\1\d{1,4}$/;
/** Only digits and dots: 1.234.567, 10.0.19041.1, 192.168.0.1 unless every group has 2-4 digits. */
const DOTTED = /^\d+(?:\.\d+)+$/;
const DOTTED_PHONE = /^\d{2,4}(?:\.\d{2,4})+$/;
const THOUSANDS = /^\d{1,3}(?:\.\d{3})+$/;

function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

/** E.164 of a number written with +/00, when possible for its country. */
function internationalNumber(written: string): string | undefined {
  const plus = written.replace(/^\(?00/, '+').replace(/^\(\+/, '+');
  const number = parsePhoneNumberFromString(plus);
  return number?.isPossible() ? number.number : undefined;
}

/** E.164 of a nationally written number, when valid in `region` and written as `region` writes it. */
function nationalNumber(written: string, region: CountryCode | undefined): string | undefined {
  if (region === undefined) return undefined;
  const number = parsePhoneNumberFromString(written, region);
  if (!number?.isValid()) return undefined;
  const digits = digitsOf(written);
  const nationalDigits = digitsOf(number.formatNational());
  // NANP numbers are also written with the country code and no plus: 1-800-555-0199.
  const accepted = digits === nationalDigits || (number.countryCallingCode === '1' && digits === `1${nationalDigits}`);
  return accepted ? number.number : undefined;
}

function looksLikeSomethingElse(run: string): boolean {
  if (!/\D/.test(run) || DATE.test(run)) return true;
  return DOTTED.test(run) && (!DOTTED_PHONE.test(run) || THOUSANDS.test(run));
}

/** Phone numbers in text, E.164. National formats are read only with a `region`. */
export function phonesFromText(text: string, region?: CountryCode): string[] {
  const scanned = cutOnCodePoint(text, MAX_TEXT_SCAN);
  const found: string[] = [];
  let parsed = 0;
  for (const [run] of scanned.matchAll(PHONE_RUN)) {
    if (found.length >= MAX_PHONES_PER_TEXT || parsed >= MAX_PARSED_CANDIDATES) break;
    const international = INTERNATIONAL_PREFIX.test(run);
    if (!international && (region === undefined || looksLikeSomethingElse(run))) continue;
    const digitCount = digitsOf(run).length;
    if (digitCount < 7 || digitCount > (international ? 17 : 15)) continue;
    parsed += 1;
    const phone = international ? internationalNumber(run) : nationalNumber(run, region);
    if (phone) found.push(phone);
  }
  return found;
}

/** The number of a `tel:` link, E.164. A national number needs a `region` and must be valid there. */
export function phoneFromTel(href: string, region?: CountryCode): string | undefined {
  const match = /^\s*tel:([^?#;]*)/i.exec(href);
  if (!match?.[1]) return undefined;
  let value = match[1];
  try {
    value = decodeURIComponent(value);
  } catch {
    // keep the raw text
  }
  value = value.trim();
  if (value.length > MAX_TEL_LENGTH) return undefined;
  if (INTERNATIONAL_PREFIX.test(value)) return internationalNumber(value);
  if (region === undefined) return undefined;
  // A tel: link is a phone number by intent: valid in the region is enough, however it is written.
  const number = parsePhoneNumberFromString(value, region);
  return number?.isValid() ? number.number : undefined;
}
