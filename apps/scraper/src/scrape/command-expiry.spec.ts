import { createMessage, type MessageOf } from '@trawl/contracts';
import { isExpired } from './command-expiry';

const command = (expiresAt: string | undefined): MessageOf<'domain.scrape'> =>
  createMessage({
    type: 'domain.scrape',
    tenant: 't',
    batchId: '00000000-0000-4000-8000-0000000000cc',
    data: {
      domain: 'a.com',
      attempt: 1,
      dispatch_id: 'x',
      max_pages: 1,
      dispatched_at: '2026-12-01T10:00:00.000Z',
      ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
    },
  });

describe('a scrape command', () => {
  const at = (time: string) => new Date(`2026-12-01T${time}Z`);

  it('is current until the scheduler stops waiting for its attempt', () => {
    expect(isExpired(command('2026-12-01T10:15:00.000Z'), at('10:14:59.999'))).toBe(false);
    expect(isExpired(command('2026-12-01T10:15:00.000Z'), at('10:15:00.000'))).toBe(true);
  });

  it('logged before commands carried a deadline never expires', () => {
    expect(isExpired(command(undefined), at('23:59:59.000'))).toBe(false);
  });
});
