import type { CountryCode } from 'libphonenumber-js';
import { countryOfTld, siteCountryOfTld } from './top-level-domain';

// "en-US", "de-DE", "zh-Hant-TW"; "es-419" names no country, nor does a bare "en" or "de".
const LANGUAGE_REGION = /^[a-z]{2,3}(?:-[a-z]{4})?-([a-z]{2})(?![a-z0-9])/i;

/**
 * The country whose national phone formats a page may use: its host's country-code TLD, else the
 * region of its language tag. Undefined when neither names one; then only numbers written
 * internationally (+44 ..., 0044 ...) are read.
 */
export function phoneRegionFor(pageUrl: string, language: string | null): CountryCode | undefined {
  let hostname: string;
  try {
    hostname = new URL(pageUrl).hostname;
  } catch {
    return undefined;
  }
  const tld =
    hostname
      .split('.')
      .filter((label) => label !== '')
      .pop() ?? '';
  const fromTld = siteCountryOfTld(tld.toLowerCase());
  if (fromTld !== undefined) return fromTld;
  const region = language === null ? undefined : LANGUAGE_REGION.exec(language.slice(0, 35))?.[1];
  return region === undefined ? undefined : countryOfTld(region.toLowerCase());
}
