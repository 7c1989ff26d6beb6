import { DomainExtractionAccumulator, EXTRACTION_LIMITS } from './domain-extraction.accumulator';

describe('DomainExtractionAccumulator', () => {
  it('merges pages in first-seen order without duplicates', () => {
    const acc = new DomainExtractionAccumulator();
    acc.add({
      emails: ['a@x.io'],
      phones: ['+4420'],
      socials: [{ platform: 'github', url: 'https://github.com/x' }],
      technologies: ['WordPress'],
    });
    acc.add({
      emails: ['A@x.io', 'b@x.io'],
      phones: ['+44 20', '+1555'],
      socials: [{ platform: 'github', url: 'https://GitHub.com/x' }],
      technologies: ['wordpress', 'PHP'],
    });
    expect(acc.result()).toEqual({
      emails: ['a@x.io', 'b@x.io'],
      phones: ['+4420', '+1555'],
      socials: [{ platform: 'github', url: 'https://github.com/x' }],
      technologies: ['WordPress', 'PHP'],
    });
  });

  it('caps each list', () => {
    const acc = new DomainExtractionAccumulator();
    const many = Array.from({ length: 200 }, (_, i) => i);
    acc.add({
      emails: many.map((i) => `u${i}@x.io`),
      phones: many.map((i) => `+1${String(i).padStart(9, '0')}`),
      socials: many.map((i) => ({ platform: 'github', url: `https://github.com/u${i}` })),
      technologies: many.map((i) => `T${i}`),
    });
    const result = acc.result();
    expect(result.emails).toHaveLength(EXTRACTION_LIMITS.emails);
    expect(result.phones).toHaveLength(EXTRACTION_LIMITS.phones);
    expect(result.socials).toHaveLength(EXTRACTION_LIMITS.socials);
    expect(result.technologies).toHaveLength(EXTRACTION_LIMITS.technologies);
  });
});
