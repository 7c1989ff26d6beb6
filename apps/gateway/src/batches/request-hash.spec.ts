import { canonicalJson, requestHash } from './request-hash';

const base = {
  domains: ['a.com', 'b.com'],
  max_pages: 10,
  max_concurrent_jobs: 5,
  metadata: { x: 1, y: { b: 2, a: [1, { d: 1, c: 2 }] } },
};

describe('requestHash', () => {
  it('is a sha256 hex digest', () => {
    expect(requestHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores key order, at every level of the metadata', () => {
    const reordered = {
      metadata: { y: { a: [1, { c: 2, d: 1 }], b: 2 }, x: 1 },
      max_concurrent_jobs: 5,
      max_pages: 10,
      domains: ['a.com', 'b.com'],
    };
    expect(requestHash(reordered)).toBe(requestHash(base));
  });

  it('changes with any parameter, the domain order, or the metadata', () => {
    const hash = requestHash(base);
    expect(requestHash({ ...base, max_pages: 11 })).not.toBe(hash);
    expect(requestHash({ ...base, max_concurrent_jobs: 4 })).not.toBe(hash);
    expect(requestHash({ ...base, domains: ['b.com', 'a.com'] })).not.toBe(hash);
    expect(requestHash({ ...base, metadata: { ...base.metadata, x: 2 } })).not.toBe(hash);
    expect(requestHash({ ...base, metadata: {} })).not.toBe(hash);
  });
});

describe('canonicalJson', () => {
  it('sorts keys and keeps arrays in order', () => {
    expect(canonicalJson({ b: [3, 1], a: 'x', c: null })).toBe('{"a":"x","b":[3,1],"c":null}');
  });

  it('keeps strings that look like JSON distinct from structures', () => {
    expect(canonicalJson({ a: '{"b":1}' })).not.toBe(canonicalJson({ a: { b: 1 } }));
  });
});
