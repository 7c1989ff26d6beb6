import { phoneRegionFor } from './phone-region';

describe('phoneRegionFor', () => {
  it('takes the country of a country-code TLD first', () => {
    expect(phoneRegionFor('https://www.acme.de/kontakt', 'en-US')).toBe('DE');
    expect(phoneRegionFor('https://acme.co.uk/', null)).toBe('GB');
  });

  it('takes the region of the language tag on a generic TLD', () => {
    expect(phoneRegionFor('https://acme.com/', 'en-US')).toBe('US');
    expect(phoneRegionFor('https://acme.com/', 'zh-Hant-TW')).toBe('TW');
    expect(phoneRegionFor('https://acme.io/', 'es-CO')).toBe('CO');
  });

  it('knows no country from a vanity ccTLD, a bare language or a numeric region', () => {
    expect(phoneRegionFor('https://acme.io/', 'en')).toBeUndefined();
    expect(phoneRegionFor('https://acme.co/', null)).toBeUndefined();
    expect(phoneRegionFor('https://acme.com/', 'es-419')).toBeUndefined();
    expect(phoneRegionFor('http://127.0.0.1:8080/', 'de')).toBeUndefined();
    expect(phoneRegionFor('not a url', 'en-US')).toBeUndefined();
  });
});
