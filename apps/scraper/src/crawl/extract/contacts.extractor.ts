import type { CountryCode } from 'libphonenumber-js';
import { emailsFromMailto, emailsFromText } from './email-address';
import { obfuscatedEmailsFromText } from './obfuscated-email';
import { phoneFromTel, phonesFromText } from './phone.extractor';

/** Contact signals of a page: e-mail addresses (lower case) and phone numbers (E.164). */
export interface Contacts {
  emails: string[];
  phones: string[];
}

const CONTACT_SCHEME = /^\s*(mailto|tel):/i;

/** Addresses, plain and obfuscated, and phone numbers written in visible text. */
export function contactsInText(text: string, phoneRegion?: CountryCode): Contacts {
  return {
    emails: [...emailsFromText(text), ...obfuscatedEmailsFromText(text)],
    phones: phonesFromText(text, phoneRegion),
  };
}

/** True for mailto: and tel: links: contacts, not pages. */
export function isContactHref(href: string): boolean {
  return CONTACT_SCHEME.test(href);
}

/** What a mailto: or tel: link points to; nothing for any other link. */
export function contactsInHref(href: string, phoneRegion?: CountryCode): Contacts {
  const scheme = CONTACT_SCHEME.exec(href)?.[1]?.toLowerCase();
  if (scheme === 'mailto') return { emails: emailsFromMailto(href), phones: [] };
  const phone = scheme === 'tel' ? phoneFromTel(href, phoneRegion) : undefined;
  return { emails: [], phones: phone === undefined ? [] : [phone] };
}
