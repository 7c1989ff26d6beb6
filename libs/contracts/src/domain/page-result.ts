import { z } from 'zod';
import { isoTime } from '../envelope';

/** What one fetched page said about itself. */
export const pageResultSchema = z.object({
  url: z.string(),
  final_url: z.string(),
  status_code: z.number().int().nullable(),
  content_type: z.string().nullable(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  language: z.string().nullable(),
  canonical_url: z.string().nullable(),
  h1: z.array(z.string()),
  /** Absent from events written before h2 was collected. */
  h2: z.array(z.string()).default([]),
  links_found: z.number().int().min(0),
  bytes: z.number().int().min(0),
  depth: z.number().int().min(0),
  fetched_at: isoTime,
  duration_ms: z.number().min(0),
  error: z.string().nullable(),
});
export type PageResult = z.infer<typeof pageResultSchema>;

/** What a whole site says about itself, merged over its pages. */
export const domainExtractionSchema = z.object({
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  socials: z.array(z.object({ platform: z.string(), url: z.string() })),
  technologies: z.array(z.string()),
});
export type DomainExtraction = z.infer<typeof domainExtractionSchema>;

/** Why an attempt failed. `retryable` comes from the error's class, never from its message. */
export const scrapeErrorSchema = z.object({
  class: z.string().min(1).max(100),
  message: z.string().max(2000),
  retryable: z.boolean(),
});
export type ScrapeError = z.infer<typeof scrapeErrorSchema>;

/**
 * Set when the crawl recorded more than one event can carry (events stay under the broker's size
 * limit by construction): per-page fields were shortened and/or the last pages were left out.
 */
export const pagesTruncationSchema = z.object({
  pages_omitted: z.number().int().min(0),
  succeeded_pages_omitted: z.number().int().min(0),
  fields_trimmed: z.boolean(),
});
export type PagesTruncation = z.infer<typeof pagesTruncationSchema>;

/** Pages fetched without error in an attempt, the ones an event left out included. */
export function succeededPageCount(data: { pages: PageResult[]; truncated?: PagesTruncation }): number {
  return data.pages.filter((page) => page.error === null).length + (data.truncated?.succeeded_pages_omitted ?? 0);
}
