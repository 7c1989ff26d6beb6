import { socialFromUrl } from './social-profile';

describe('socialFromUrl', () => {
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
  ])('reads the profile of %s', (href, expected) => {
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
    'http://constructor/acme',
    'http://www.__proto__/acme',
    'mailto:x@y.z',
  ])('ignores %s', (href) => {
    expect(socialFromUrl(href)).toBeUndefined();
  });
});
