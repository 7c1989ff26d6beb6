import { MAX_URL_LENGTH, normalizeUrl } from '../frontier/url.normalizer';
import { contactsInHref, contactsInText, isContactHref } from './contacts.extractor';
import { MAX_EMAILS_PER_TEXT } from './email-address';
import { collectPageFacts } from './page-facts.collector';
import { MAX_PHONES_PER_TEXT } from './phone.extractor';
import { phoneRegionFor } from './phone-region';
import { socialFromUrl, type SocialLink } from './social-profile';
import { detectTechnologies, type HeaderMap } from './technology.detector';

export { MAX_H1, MAX_H2 } from './page-facts.collector';
export type { SocialLink } from './social-profile';

/** What one HTML page says about itself, plus the links to crawl next. Every string is well-formed. */
export interface PageExtraction {
  title: string | null;
  description: string | null;
  language: string | null;
  canonical_url: string | null;
  h1: string[];
  h2: string[];
  /** Distinct crawlable http(s) links on the page (any host), normalised. */
  links: string[];
  emails: string[];
  /** E.164. */
  phones: string[];
  socials: SocialLink[];
  technologies: string[];
}

export const MAX_LINKS = 5000;
/** mailto: and tel: links read per page at most (each tel: link is parsed). */
const MAX_CONTACT_HREFS = 200;

/** An absolute, normalised http(s) URL. Longer hrefs never normalise to an acceptable URL. */
function resolveHref(href: string, base: string): string | undefined {
  return href.length > MAX_URL_LENGTH ? undefined : normalizeUrl(href, base);
}

function unique<T>(items: readonly T[], key: (item: T) => string, cap: number): T[] {
  const seen = new Set<string>();
  const kept: T[] = [];
  for (const item of items) {
    if (kept.length >= cap) break;
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    kept.push(item);
  }
  return kept;
}

export function extractPage(html: string, pageUrl: string, headers: HeaderMap = {}): PageExtraction {
  const facts = collectPageFacts(html);

  // <base href> changes how relative links resolve (only an http(s) base is honoured).
  const base = (facts.baseHref !== undefined && resolveHref(facts.baseHref, pageUrl)) || pageUrl;
  const canonical = facts.canonicalHrefs.map((href) => resolveHref(href, base)).find((url) => url !== undefined);
  const phoneRegion = phoneRegionFor(pageUrl, facts.language);

  const links = new Set<string>();
  const emails: string[] = [];
  const phones: string[] = [];
  const socials: SocialLink[] = [];
  let contactHrefs = 0;
  for (const href of facts.linkHrefs) {
    if (isContactHref(href)) {
      contactHrefs += 1;
      if (contactHrefs > MAX_CONTACT_HREFS) continue;
      const contacts = contactsInHref(href, phoneRegion);
      emails.push(...contacts.emails);
      phones.push(...contacts.phones);
      continue;
    }
    const url = resolveHref(href, base);
    if (url === undefined) continue;
    if (links.size < MAX_LINKS) links.add(url);
    const social = socialFromUrl(url);
    if (social) socials.push(social);
  }
  const inText = contactsInText(facts.visibleText, phoneRegion);

  return {
    title: facts.title,
    description: facts.description,
    language: facts.language,
    canonical_url: canonical ?? null,
    h1: facts.h1,
    h2: facts.h2,
    links: [...links],
    emails: unique([...emails, ...inText.emails], (email) => email, MAX_EMAILS_PER_TEXT),
    phones: unique([...phones, ...inText.phones], (phone) => phone.replace(/\D/g, ''), MAX_PHONES_PER_TEXT),
    socials: unique(socials, (social) => social.url.toLowerCase(), MAX_LINKS),
    technologies: detectTechnologies({
      generators: facts.generators,
      assetUrls: facts.assetUrls,
      markup: facts.markupTechnologies,
      headers,
    }),
  };
}
