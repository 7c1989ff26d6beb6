import { fixtureHost, hostFromHeader, parseFixtureHost, UNTAGGED } from './host-scheme';

describe('fixture host scheme', () => {
  it('parses kind, name, tag and tokens', () => {
    expect(parseFixtureHost('b7--d1500-shop.slow.fixture.test')).toMatchObject({
      host: 'b7--d1500-shop.slow.fixture.test',
      site: 'b7--d1500-shop.slow.fixture.test',
      kind: 'slow',
      name: 'b7--d1500-shop',
      tag: 'b7',
      delayMs: 1500,
      www: false,
      tokens: ['d1500', 'shop'],
    });
  });

  it('uses defaults: untagged, slow = 1000 ms, others no delay, big = 50 pages', () => {
    expect(parseFixtureHost('x.slow.fixture.test')).toMatchObject({ tag: UNTAGGED, delayMs: 1000 });
    expect(parseFixtureHost('x.ok.fixture.test')).toMatchObject({ delayMs: 0 });
    expect(parseFixtureHost('d50-x.ok.fixture.test')).toMatchObject({ delayMs: 50 });
    expect(parseFixtureHost('x.big.fixture.test')).toMatchObject({ pages: 50 });
    expect(parseFixtureHost('n7-x.big.fixture.test')).toMatchObject({ pages: 7 });
  });

  it('treats www. as the same site and takes the tag from the label next to the kind', () => {
    expect(parseFixtureHost('www.t1--a.ok.fixture.test')).toMatchObject({
      site: 't1--a.ok.fixture.test',
      www: true,
      tag: 't1',
    });
  });

  it('takes the right-most known kind, allows an empty name and any suffix', () => {
    expect(parseFixtureHost('ok.down.fixture.test')).toMatchObject({ kind: 'down', name: 'ok' });
    expect(parseFixtureHost('hostile.fixture.test')).toMatchObject({ kind: 'hostile', name: '', tag: '' });
    expect(parseFixtureHost('a.500.other.suffix')).toMatchObject({ kind: '500' });
    expect(parseFixtureHost('a.unknown.fixture.test')).toBeUndefined();
    expect(parseFixtureHost('127.0.0.1')).toBeUndefined();
  });

  it('selects private-ip-redirect targets by token', () => {
    expect(parseFixtureHost('x.private-ip-redirect.fixture.test')!.target).toBe('loopback');
    expect(parseFixtureHost('to-mapped.private-ip-redirect.fixture.test')!.target).toBe('mapped');
  });

  it('reads Host headers', () => {
    expect(hostFromHeader('A.OK.Fixture.Test:8080')).toBe('a.ok.fixture.test');
    expect(hostFromHeader('a.ok.fixture.test.')).toBe('a.ok.fixture.test');
    expect(hostFromHeader('[::1]:80')).toBe('[::1]');
    expect(hostFromHeader(undefined)).toBe('');
  });

  it('builds host names', () => {
    expect(fixtureHost('ok', 'b1--a')).toBe('b1--a.ok.fixture.test');
    expect(fixtureHost('hostile', '')).toBe('hostile.fixture.test');
    expect(fixtureHost('500', 'x', 'web.test')).toBe('x.500.web.test');
  });
});
