import { normalizeRobotsPath, parseRobots, ruleMatches } from './robots.parser';

describe('parseRobots group selection', () => {
  const text = `
# comment line
User-agent: *
Disallow: /private
Sitemap: https://example.com/sitemap-a.xml

User-agent: OtherBot
Disallow: /

user-agent: trawl/2.0
User-Agent: SomethingElse
disallow: /no-trawl   # trailing comment
allow: /no-trawl/ok

User-agent: Trawl
Disallow: /also-no
SITEMAP: https://example.com/sitemap-b.xml
`;

  it('uses (and merges) the groups for our product token, case-insensitively', () => {
    const rules = parseRobots(text, 'Trawl');
    expect(rules.isAllowed('/no-trawl/x')).toBe(false);
    expect(rules.isAllowed('/no-trawl/ok/x')).toBe(true);
    expect(rules.isAllowed('/also-no')).toBe(false);
    expect(rules.isAllowed('/private')).toBe(true); // the * group does not apply
  });

  it('falls back to *', () => {
    const rules = parseRobots(text, 'Unknown');
    expect(rules.isAllowed('/private/x')).toBe(false);
    expect(rules.isAllowed('/no-trawl')).toBe(true);
  });

  it('collects sitemaps from anywhere in the file', () => {
    expect(parseRobots(text, 'Trawl').sitemaps).toEqual([
      'https://example.com/sitemap-a.xml',
      'https://example.com/sitemap-b.xml',
    ]);
  });

  it('allows everything with no matching group, an empty file, or an empty Disallow', () => {
    expect(parseRobots('User-agent: OtherBot\nDisallow: /', 'Trawl').isAllowed('/x')).toBe(true);
    expect(parseRobots('', 'Trawl').isAllowed('/')).toBe(true);
    expect(parseRobots('User-agent: *\nDisallow:', 'Trawl').isAllowed('/x')).toBe(true);
  });

  it('ignores rules before any user-agent line and unknown keys', () => {
    const rules = parseRobots('Disallow: /\nCrawl-delay: 10\nUser-agent: *\nCrawl-delay: 5\nDisallow: /a', 'Trawl');
    expect(rules.isAllowed('/b')).toBe(true);
    expect(rules.isAllowed('/a')).toBe(false);
  });

  it('always allows /robots.txt', () => {
    expect(parseRobots('User-agent: *\nDisallow: /', 'Trawl').isAllowed('/robots.txt')).toBe(true);
  });

  it('handles CRLF and CR line endings', () => {
    expect(parseRobots('User-agent: *\r\nDisallow: /x\r\n', 'Trawl').isAllowed('/x')).toBe(false);
    expect(parseRobots('User-agent: *\rDisallow: /x\r', 'Trawl').isAllowed('/x')).toBe(false);
  });
});

describe('rule matching (RFC 9309 §2.2.2, §2.2.3)', () => {
  const robots = (rules: string): ReturnType<typeof parseRobots> => parseRobots(`User-agent: *\n${rules}`, 'Trawl');

  it('the longest match wins; allow wins a tie', () => {
    const rules = robots('Disallow: /shop\nAllow: /shop/public\nDisallow: /shop/public/secret');
    expect(rules.isAllowed('/shop/cart')).toBe(false);
    expect(rules.isAllowed('/shop/public/item')).toBe(true);
    expect(rules.isAllowed('/shop/public/secret/1')).toBe(false);
    expect(robots('Disallow: /page\nAllow: /page').isAllowed('/page')).toBe(true);
  });

  it('supports * and $', () => {
    const rules = robots('Disallow: /*.php$\nDisallow: /tmp*/x\nDisallow: /exact$');
    expect(rules.isAllowed('/index.php')).toBe(false);
    expect(rules.isAllowed('/index.php?x=1')).toBe(true);
    expect(rules.isAllowed('/tmp123/x/y')).toBe(false);
    expect(rules.isAllowed('/exact')).toBe(false);
    expect(rules.isAllowed('/exact/more')).toBe(true);
  });

  it('matches the query string as part of the path', () => {
    expect(robots('Disallow: /*?sort=').isAllowed('/list?sort=asc')).toBe(false);
    expect(robots('Disallow: /*?sort=').isAllowed('/list?page=2')).toBe(true);
  });

  it('compares percent-encoded octets', () => {
    expect(robots('Disallow: /café').isAllowed('/caf%C3%A9/menu')).toBe(false);
    expect(robots('Disallow: /caf%c3%a9').isAllowed('/caf%C3%A9')).toBe(false);
    expect(normalizeRobotsPath('/é%2f')).toBe('/%C3%A9%2F');
  });

  it('is linear on hostile patterns (no regex backtracking)', () => {
    const pattern = `/${'a*'.repeat(200)}b`;
    const started = Date.now();
    expect(ruleMatches({ pattern, anchored: true }, `/${'a'.repeat(5000)}`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
