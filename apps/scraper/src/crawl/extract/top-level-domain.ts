import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';

/** Country-code TLDs that are sold as generic names: a .io or .co site says nothing about its country. */
// prettier-ignore
const GENERIC_COUNTRY_TLDS = new Set([
  'ac', 'ai', 'am', 'cc', 'co', 'cx', 'fm', 'gg', 'im', 'io', 'la', 'ly', 'me', 'ms', 'nu', 'sh', 'so', 'st',
  'to', 'tv', 'vc', 'ws',
]);

/** Generic TLDs common enough in contact addresses to accept in obfuscated ones. */
// prettier-ignore
const COMMON_GENERIC_TLDS = new Set([
  'com', 'org', 'net', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'name', 'pro', 'eu', 'app', 'dev', 'tech',
  'online', 'site', 'website', 'shop', 'store', 'xyz', 'club', 'agency', 'email', 'cloud', 'digital', 'media',
  'design', 'studio', 'consulting', 'solutions', 'group', 'company', 'travel', 'law', 'art', 'blog', 'news',
  'live', 'life', 'world', 'global', 'network', 'systems', 'services', 'software', 'ltd', 'llc', 'gmbh', 'health',
  'energy', 'finance', 'capital', 'legal', 'academy', 'school', 'coop', 'museum', 'aero',
]);

/** The country a two-letter top-level domain names ("de" -> DE, "uk" -> GB), or undefined. */
export function countryOfTld(tld: string): CountryCode | undefined {
  if (tld.length !== 2) return undefined;
  const code = tld === 'uk' ? 'GB' : tld.toUpperCase();
  return isSupportedCountry(code) ? code : undefined;
}

/** The country a site's top-level domain places it in; undefined for generic and vanity TLDs. */
export function siteCountryOfTld(tld: string): CountryCode | undefined {
  return GENERIC_COUNTRY_TLDS.has(tld) ? undefined : countryOfTld(tld);
}

/** A TLD that real addresses use: a country code or a common generic name (lower case). */
export function isPlausibleTld(tld: string): boolean {
  return COMMON_GENERIC_TLDS.has(tld) || countryOfTld(tld) !== undefined;
}
