import { parseCrawlDelay, parseRobots } from './robots.parser';

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
  });
});

describe('crawl-delay', () => {
  it('is read from the selected group, in milliseconds, decimals allowed', () => {
    const text = 'User-agent: *\nCrawl-delay: 10\n\nUser-agent: trawl\nCrawl-delay: 2.5\nDisallow: /x';
    expect(parseRobots(text, 'Trawl').crawlDelayMs).toBe(2500);
    expect(parseRobots(text, 'OtherBot').crawlDelayMs).toBe(10_000);
  });

  it('takes the largest value of the merged groups and is undefined without one', () => {
    const text = 'User-agent: trawl\nCrawl-delay: 1\nUser-agent: *\nCrawl-delay: 9\nUser-agent: trawl\nCrawl-delay: 3';
    expect(parseRobots(text, 'Trawl').crawlDelayMs).toBe(3000);
    expect(parseRobots('User-agent: *\nDisallow: /x', 'Trawl').crawlDelayMs).toBeUndefined();
    expect(parseRobots('User-agent: other\nCrawl-delay: 5', 'Trawl').crawlDelayMs).toBeUndefined();
  });

  it('ignores negative, non-numeric and non-finite values', () => {
    expect(parseCrawlDelay('0')).toBe(0);
    expect(parseCrawlDelay('.5')).toBe(500);
    expect(parseCrawlDelay('3.')).toBe(3000);
    for (const invalid of ['-1', 'ten', '1.2.3', '.', '1e3', '', '0x10', '9'.repeat(400)]) {
      expect(parseCrawlDelay(invalid)).toBeUndefined();
    }
    expect(parseRobots('User-agent: *\nCrawl-delay: -5\nCrawl-delay: soon', 'Trawl').crawlDelayMs).toBeUndefined();
  });
});

describe('cost on hostile robots.txt', () => {
  it('parses 1 MiB of wildcard rules and checks 1,000 paths of 1,500 characters in well under a second', () => {
    const rules = Array.from({ length: 2_000 }, (_, i) => `Disallow: /*a*a*a*a*a*a*a*a*b${i}`).join('\n');
    const text = `User-agent: *\n${rules}\n#${'x'.repeat(1024 * 1024)}`;
    const paths = Array.from({ length: 1_000 }, (_, i) => `/${'a'.repeat(1_500)}${i}`);
    const started = performance.now();
    const robots = parseRobots(text, 'Trawl');
    expect(paths.filter((path) => !robots.isAllowed(path))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('parses a 1 MiB rule line without slowing down', () => {
    const started = performance.now();
    const robots = parseRobots(`User-agent: *\nDisallow: /${'*a'.repeat(512 * 1024)}`, 'Trawl');
    expect(robots.isAllowed(`/${'a'.repeat(2_000)}`)).toBe(false);
    expect(robots.isAllowed('/b')).toBe(true);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
