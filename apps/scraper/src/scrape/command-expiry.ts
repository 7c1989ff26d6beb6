import { type MessageOf } from '@trawl/contracts';

/**
 * Whether the scheduler has stopped waiting for this command's attempt (it has timed the attempt
 * out, or will at once, and then retries or fails the domain), so a crawl would be wasted: its
 * result would not count. Commands logged before `expires_at` existed never expire here.
 */
export function isExpired(command: MessageOf<'domain.scrape'>, now: Date): boolean {
  const { expires_at: expiresAt } = command.data;
  return expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();
}
