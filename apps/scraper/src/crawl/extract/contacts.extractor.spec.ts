import {
  emailsFromMailto,
  emailsFromText,
  normalizeEmail,
  phoneFromTel,
  phonesFromText,
  socialFromUrl,
} from './contacts.extractor';

describe('emails', () => {
  it('validates and lowercases', () => {
    expect(normalizeEmail(' Jane.Doe@Example.co.UK ')).toBe('jane.doe@example.co.uk');
    expect(normalizeEmail('logo@2x.png')).toBeUndefined();
    expect(normalizeEmail('a..b@x.com')).toBeUndefined();
    expect(normalizeEmail('a.@x.com')).toBeUndefined();
    expect(normalizeEmail('user@example.com')).toBeUndefined(); // placeholder domain
    expect(normalizeEmail('no-at-sign.com')).toBeUndefined();
    expect(normalizeEmail('a@-bad-.com')).toBeUndefined();
  });

  it('reads mailto: links with several addresses and a query', () => {
    expect(emailsFromMailto('mailto:Sales@Acme.io,info%40acme.io?subject=Hi')).toEqual([
      'sales@acme.io',
      'info@acme.io',
    ]);
    expect(emailsFromMailto('mailto:')).toEqual([]);
  });

  it('finds addresses in text', () => {
    expect(emailsFromText('Write to hello@acme.io or to support@help.acme.io. Icons: icon@2x.png')).toEqual([
      'hello@acme.io',
      'support@help.acme.io',
    ]);
  });
});

describe('phones', () => {
  it('reads tel: links', () => {
    expect(phoneFromTel('tel:+44%2020%207946%200958')).toBe('+442079460958');
    expect(phoneFromTel('tel:0044-20-7946-0958')).toBe('+442079460958');
    expect(phoneFromTel('tel:123')).toBeUndefined();
  });

  it('finds conservative patterns in text, not version numbers or dates', () => {
    expect(phonesFromText('Call +1 (555) 010-0199 or +49 30 1234567.')).toEqual(['+15550100199', '+49301234567']);
    expect(phonesFromText('US office: (212) 555-0142')).toEqual(['(212) 555 0142']);
    expect(phonesFromText('Version 1.2.3.4, build 2024-01-15, id 1234567890, order #5551234567')).toEqual([]);
  });
});

describe('socials', () => {
  it.each([
    ['https://twitter.com/acme', { platform: 'twitter', url: 'https://twitter.com/acme' }],
    ['https://x.com/acme/status/123', { platform: 'twitter', url: 'https://x.com/acme' }],
    ['https://www.facebook.com/acme/', { platform: 'facebook', url: 'https://facebook.com/acme' }],
    ['https://fb.com/acme', { platform: 'facebook', url: 'https://fb.com/acme' }],
    ['https://uk.linkedin.com/company/acme/about', { platform: 'linkedin', url: 'https://linkedin.com/company/acme' }],
    ['http://instagram.com/acme?hl=en', { platform: 'instagram', url: 'https://instagram.com/acme' }],
    ['https://www.youtube.com/@acme', { platform: 'youtube', url: 'https://youtube.com/@acme' }],
    ['https://youtube.com/channel/UC123/videos', { platform: 'youtube', url: 'https://youtube.com/channel/UC123' }],
    ['https://github.com/acme/repo', { platform: 'github', url: 'https://github.com/acme' }],
    ['https://www.tiktok.com/@acme', { platform: 'tiktok', url: 'https://tiktok.com/@acme' }],
  ])('%s', (href, expected) => {
    expect(socialFromUrl(href)).toEqual(expected);
  });

  it.each([
    'https://twitter.com/intent/tweet?text=x',
    'https://www.facebook.com/sharer/sharer.php?u=x',
    'https://www.linkedin.com/shareArticle?url=x',
    'https://www.youtube.com/watch?v=abc',
    'https://youtu.be/abc',
    'https://twitter.com/',
    'https://linkedin.com/company',
    'https://notfacebook.com/acme',
    'https://facebook.com.evil.test/acme',
    'mailto:x@y.z',
  ])('ignores %s', (href) => {
    expect(socialFromUrl(href)).toBeUndefined();
  });
});
