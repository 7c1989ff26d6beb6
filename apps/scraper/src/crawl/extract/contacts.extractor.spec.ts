import { contactsInHref, contactsInText, isContactHref } from './contacts.extractor';

describe('contactsInText', () => {
  it('finds plain and obfuscated addresses, and phone numbers', () => {
    const text = 'Write to info@acme.io or jane [at] acme [dot] io, call +44 20 7946 0958 or 030 1234567.';
    expect(contactsInText(text)).toEqual({
      emails: ['info@acme.io', 'jane@acme.io'],
      phones: ['+442079460958'],
    });
    expect(contactsInText(text, 'DE').phones).toEqual(['+442079460958', '+49301234567']);
  });
});

describe('contact links', () => {
  it('tells mailto: and tel: links from page links', () => {
    expect(['mailto:a@acme.io', ' TEL:+1', 'tel:'].every(isContactHref)).toBe(true);
    expect(['/contact', 'https://acme.io/mailto:x', 'javascript:tel()'].some(isContactHref)).toBe(false);
  });

  it('reads the addresses of a mailto: link and the number of a tel: link', () => {
    expect(contactsInHref('mailto:Sales@Acme.io,info@acme.io')).toEqual({
      emails: ['sales@acme.io', 'info@acme.io'],
      phones: [],
    });
    expect(contactsInHref('tel:+44 20 7946 0958')).toEqual({ emails: [], phones: ['+442079460958'] });
    expect(contactsInHref('tel:020 7946 0958', 'GB')).toEqual({ emails: [], phones: ['+442079460958'] });
    expect(contactsInHref('tel:020 7946 0958')).toEqual({ emails: [], phones: [] });
    expect(contactsInHref('/about')).toEqual({ emails: [], phones: [] });
  });
});
