import { load } from 'cheerio';
import {
  emailsFromMailto,
  emailsFromText,
  phoneFromTel,
  phonesFromText,
  socialFromUrl,
  type SocialLink,
} from './contacts.extractor';
import { detectTechnologies, type HeaderMap } from './technology.detector';
import { normalizeUrl } from './url.normalizer';

/** What one HTML page says about itself, plus the links to crawl next. */
export interface PageExtraction {
  title: string | null;
  description: string | null;
  language: string | null;
  canonical_url: string | null;
  h1: string[];
  /** Distinct crawlable http(s) links on the page (any host), normalised. */
  links: string[];
  emails: string[];
  phones: string[];
  socials: SocialLink[];
  technologies: string[];
}

export const MAX_H1 = 10;
const MAX_LINKS = 5000;
const MAX_TITLE = 500;
const MAX_DESCRIPTION = 1000;
const MAX_H1_LENGTH = 300;

function clean(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed === '' ? null : collapsed.slice(0, max);
}

function unique<T>(items: T[], key: (item: T) => string = String): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function extractPage(html: string, pageUrl: string, headers: HeaderMap = {}): PageExtraction {
  const $ = load(html);

  // <base href> changes how relative links resolve (only an http(s) base is honoured).
  const baseHref = $('base[href]').first().attr('href');
  const base = (baseHref !== undefined && normalizeUrl(baseHref, pageUrl)) || pageUrl;

  const title = clean($('head title').first().text() || $('title').first().text(), MAX_TITLE);
  const metaContent = (selector: string): string | undefined => {
    const value = $(selector).first().attr('content');
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const description = clean(
    metaContent('meta[name="description" i]') ?? metaContent('meta[property="og:description" i]'),
    MAX_DESCRIPTION,
  );
  const language = clean($('html').first().attr('lang') ?? metaContent('meta[http-equiv="content-language" i]'), 35);
  let canonical: string | null = null;
  $('link[rel][href]').each((_, element) => {
    if (canonical !== null) return;
    const rel = ($(element).attr('rel') ?? '').toLowerCase().split(/\s+/);
    if (rel.includes('canonical')) canonical = normalizeUrl($(element).attr('href') ?? '', base) ?? null;
  });
  const h1 = $('h1')
    .toArray()
    .map((element) => clean($(element).text(), MAX_H1_LENGTH))
    .filter((text): text is string => text !== null)
    .slice(0, MAX_H1);

  const links: string[] = [];
  const emails: string[] = [];
  const phones: string[] = [];
  const socials: SocialLink[] = [];
  $('a[href], area[href]').each((_, element) => {
    const href = $(element).attr('href') ?? '';
    if (/^\s*mailto:/i.test(href)) {
      emails.push(...emailsFromMailto(href));
      return;
    }
    if (/^\s*tel:/i.test(href)) {
      const phone = phoneFromTel(href);
      if (phone) phones.push(phone);
      return;
    }
    const url = normalizeUrl(href, base);
    if (!url) return;
    if (links.length < MAX_LINKS) links.push(url);
    const social = socialFromUrl(url);
    if (social) socials.push(social);
  });

  const generators = $('meta[name="generator" i]')
    .toArray()
    .map((element) => $(element).attr('content') ?? '')
    .filter((content) => content.trim() !== '');
  const assetUrls = [
    ...$('script[src]')
      .toArray()
      .map((element) => $(element).attr('src') ?? ''),
    ...$('link[href]')
      .toArray()
      .map((element) => $(element).attr('href') ?? ''),
  ];
  const technologies = detectTechnologies({ generators, assetUrls, html, headers });

  // Visible text only: scripts and styles are full of things that look like e-mails and numbers.
  $('script, style, noscript, template, svg').remove();
  const text = $('body').text() || $.root().text();
  emails.push(...emailsFromText(text));
  phones.push(...phonesFromText(text));

  return {
    title,
    description,
    language,
    canonical_url: canonical,
    h1,
    links: unique(links),
    emails: unique(emails),
    phones: unique(phones, (phone) => phone.replace(/\D/g, '')),
    socials: unique(socials, (social) => social.url.toLowerCase()),
    technologies,
  };
}
