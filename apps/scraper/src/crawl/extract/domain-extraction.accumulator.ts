import type { DomainExtraction } from '@trawl/contracts';
import type { PageExtraction } from './page.extractor';

/** Caps on the merged, de-duplicated domain-level lists. */
export const EXTRACTION_LIMITS = { emails: 50, phones: 30, socials: 30, technologies: 40 } as const;

/** Merges page extractions into one DomainExtraction, first-seen order, de-duplicated and capped. */
export class DomainExtractionAccumulator {
  private readonly emails = new Map<string, string>();
  private readonly phones = new Map<string, string>();
  private readonly socials = new Map<string, { platform: string; url: string }>();
  private readonly technologies = new Map<string, string>();

  add(page: Pick<PageExtraction, 'emails' | 'phones' | 'socials' | 'technologies'>): void {
    for (const email of page.emails) put(this.emails, email.toLowerCase(), email, EXTRACTION_LIMITS.emails);
    for (const phone of page.phones) put(this.phones, phone.replace(/\D/g, ''), phone, EXTRACTION_LIMITS.phones);
    for (const social of page.socials) {
      put(this.socials, social.url.toLowerCase(), { ...social }, EXTRACTION_LIMITS.socials);
    }
    for (const tech of page.technologies)
      put(this.technologies, tech.toLowerCase(), tech, EXTRACTION_LIMITS.technologies);
  }

  result(): DomainExtraction {
    return {
      emails: [...this.emails.values()],
      phones: [...this.phones.values()],
      socials: [...this.socials.values()].map((social) => ({ ...social })),
      technologies: [...this.technologies.values()],
    };
  }
}

function put<T>(map: Map<string, T>, key: string, value: T, limit: number): void {
  if (key === '' || map.has(key) || map.size >= limit) return;
  map.set(key, value);
}
