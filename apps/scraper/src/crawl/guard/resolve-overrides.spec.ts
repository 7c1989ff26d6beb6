import { parseResolveEntries, parseResolveOverrides } from './resolve-overrides';

describe('parseResolveOverrides', () => {
  const resolver = parseResolveOverrides(
    ' *.fixture.test=127.0.0.1:45678, plain.test=127.0.0.1:45679,*.deep.fixture.test=10.0.0.5:80,v6.test=[::1]:8080,',
  );

  it('matches exact names', () => {
    expect(resolver.resolve('plain.test')).toEqual({ ip: '127.0.0.1', port: 45679 });
    expect(resolver.resolve('PLAIN.TEST.')).toEqual({ ip: '127.0.0.1', port: 45679 });
    expect(resolver.resolve('x.plain.test')).toBeUndefined();
  });

  it('matches any subdomain of a *.suffix, but not the bare suffix', () => {
    expect(resolver.resolve('a.fixture.test')).toEqual({ ip: '127.0.0.1', port: 45678 });
    expect(resolver.resolve('a.b.ok.fixture.test')).toEqual({ ip: '127.0.0.1', port: 45678 });
    expect(resolver.resolve('fixture.test')).toBeUndefined();
    expect(resolver.resolve('evilfixture.test')).toBeUndefined();
  });

  it('prefers the longest suffix', () => {
    expect(resolver.resolve('x.deep.fixture.test')).toEqual({ ip: '10.0.0.5', port: 80 });
  });

  it('accepts IPv6 targets in brackets', () => {
    expect(resolver.resolve('v6.test')).toEqual({ ip: '::1', port: 8080 });
  });

  it('allowsLoopbackFor is true only for overridden hosts', () => {
    expect(resolver.allowsLoopbackFor('a.fixture.test')).toBe(true);
    expect(resolver.allowsLoopbackFor('localhost')).toBe(false);
    expect(resolver.allowsLoopbackFor('example.com')).toBe(false);
  });

  it('an empty or missing spec overrides nothing', () => {
    expect(parseResolveOverrides(undefined).resolve('a.fixture.test')).toBeUndefined();
    expect(parseResolveOverrides('  ').resolve('a.fixture.test')).toBeUndefined();
    expect(parseResolveEntries(' , ')).toEqual([]);
  });

  it.each([
    ['no-equals-sign', 'missing "="'],
    ['=127.0.0.1:80', 'missing "="'],
    ['a.test=127.0.0.1', 'not IP:PORT'],
    ['a.test=127.1:80', 'canonical form'],
    ['a.test=0x7f.0.0.1:80', 'not IP:PORT'],
    ['a.test=300.0.0.1:80', 'canonical form'],
    ['a.test=127.0.0.1:0', 'out of range'],
    ['a.test=127.0.0.1:70000', 'out of range'],
    ['a.test=::1:80', 'not IP:PORT'],
    ['a.*.test=127.0.0.1:80', '"*" is only allowed'],
    ['bad host!=127.0.0.1:80', 'not a host name'],
  ])('rejects %s with an error naming the entry', (entry, why) => {
    expect(() => parseResolveOverrides(`ok.test=127.0.0.1:1,${entry}`)).toThrow(entry);
    expect(() => parseResolveOverrides(entry)).toThrow(why);
  });
});
