import { countryOfTld, isPlausibleTld, siteCountryOfTld } from './top-level-domain';

describe('top-level domains', () => {
  it('maps two-letter TLDs to countries, uk to GB', () => {
    expect(countryOfTld('de')).toBe('DE');
    expect(countryOfTld('uk')).toBe('GB');
    expect(countryOfTld('zz')).toBeUndefined();
    expect(countryOfTld('com')).toBeUndefined();
  });

  it('places no site in the country of a TLD sold as a generic name', () => {
    expect(siteCountryOfTld('io')).toBeUndefined();
    expect(siteCountryOfTld('fr')).toBe('FR');
  });

  it('finds country codes and common generic TLDs plausible in addresses', () => {
    expect(['com', 'org', 'de', 'io', 'eu', 'agency'].every(isPlausibleTld)).toBe(true);
    expect(['then', 'xq', 'png', 'constructor'].some(isPlausibleTld)).toBe(false);
  });
});
