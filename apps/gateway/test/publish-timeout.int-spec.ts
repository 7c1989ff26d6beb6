import { randomUUID } from 'node:crypto';
import { type AnyMessage, createMessage, deterministicId } from '@trawl/contracts';
import { MessagePublisher } from '@trawl/messaging';
import { eventually } from '../../../test/support/eventually';
import { type EventWatcher, GatewayHarness } from './gateway-harness';

jest.setTimeout(120_000);

interface Accepted {
  batch_id: string;
  status_url: string;
}

interface ErrorAnswer {
  statusCode: number;
  error: string;
  message: string;
  details?: { batch_id?: string; outcome?: string }[];
}

/**
 * A busy gateway, for real: other requests' records fill its producer's send queue (one request in
 * flight, acks=all), so a record enqueued behind them waits far longer than TRAWL_PUBLISH_TIMEOUT_MS
 * for Kafka's ack, and is sent and acknowledged after its caller was told it timed out. Each load
 * record is a schema-valid domain.scrape on the commands topic (nobody consumes it here); the
 * padding compresses well, so the broker stores little. Resolves once the queue has drained.
 */
function loadTheProducer(gateway: GatewayHarness, records = 300, bytesEach = 250_000): Promise<unknown> {
  const publisher = gateway.app.get(MessagePublisher);
  const padding = 'x'.repeat(bytesEach);
  const sends = Array.from({ length: records }, (_, index) =>
    publisher.publish(
      [
        createMessage({
          type: 'domain.scrape',
          tenant: 'load',
          batchId: randomUUID(),
          data: {
            domain: `load-${index}.example`,
            attempt: 1,
            dispatch_id: padding,
            max_pages: 1,
            dispatched_at: new Date().toISOString(),
          },
        }),
      ],
      { timeoutMs: 110_000 },
    ),
  );
  return Promise.allSettled(sends);
}

describe('a publish that times out while Kafka still takes the record', () => {
  let gateway: GatewayHarness;
  let watcher: EventWatcher;
  let key: string;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_publish_timeout', {
      // The smallest timeout the config allows; the load keeps the queue busy for far longer.
      TRAWL_PUBLISH_TIMEOUT_MS: '100',
      // The smallest message limit, for the one definite refusal (too large).
      TRAWL_MESSAGE_MAX_BYTES: String(1024 * 1024),
    });
    watcher = await gateway.watchBatchEvents();
    key = await gateway.keyFor('acme');
  });

  afterAll(async () => {
    await watcher?.stop();
    await gateway?.close();
  });

  const submit = <T>(body: unknown, idempotencyKey?: string) =>
    gateway.request<T>('POST', '/api/v1/batches', {
      key,
      body,
      headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
    });

  const requestedWithKey = (idempotencyKey: string): AnyMessage[] =>
    watcher.events.filter((event) => event.type === 'batch.requested' && event.data.idempotency_key === idempotencyKey);

  const submissionRows = (idempotencyKey: string) =>
    gateway.sql.query<{ batch_id: string; state: string }[]>(
      `select batch_id, state from batch_submissions where idempotency_key = $1`,
      [idempotencyKey],
    );

  /** Everything published before this is in the watcher's view once the marker is. */
  async function drainTheLog(): Promise<void> {
    const marker = await submit<Accepted>({ domains: [`marker-${randomUUID()}.example`] });
    expect(marker.status).toBe(202);
    await eventually(() => expect(watcher.ofBatch(marker.body.batch_id)).toHaveLength(1));
  }

  function expectOutcomeUnknown(answer: { status: number; headers: Headers; body: ErrorAnswer }): string {
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(answer.body.message).toMatch(/outcome is unknown/);
    const batchId = answer.body.details?.[0]?.batch_id;
    expect(answer.body.details).toEqual([{ batch_id: batchId, outcome: 'unknown' }]);
    expect(answer.body.message).toContain(`batch ${batchId}`);
    return batchId!;
  }

  it('resolves a retry with the same Idempotency-Key to the batch the timed-out request published', async () => {
    const body = { domains: ['late-ack.example', 'late-ack2.example'] };
    const load = loadTheProducer(gateway);
    const first = await submit<ErrorAnswer>(body, 'late-1');
    expect(first.status).toBe(503);
    // Not "nothing was published": the claim on the key stays (it used to be deleted here).
    expect(await submissionRows('late-1')).toHaveLength(1);

    // The timed-out record reaches the log all the same.
    const [published] = await eventually(() => {
      const events = requestedWithKey('late-1');
      expect(events).toHaveLength(1);
      return events;
    });
    const batchId = published!.batch_id;
    await load;

    const retry = await submit<Accepted>(body, 'late-1');
    expect(retry.status).toBe(202);
    expect(retry.body.batch_id).toBe(batchId);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    await drainTheLog();
    const requested = requestedWithKey('late-1');
    expect(new Set(requested.map((event) => event.batch_id))).toEqual(new Set([batchId]));
    expect(new Set(requested.map((event) => event.id))).toEqual(new Set([deterministicId('batch.requested', batchId)]));
    expect(await submissionRows('late-1')).toEqual([{ batch_id: batchId, state: 'accepted' }]);
    // The 503 said so, and named the batch the retry resolved to.
    expect(expectOutcomeUnknown(first)).toBe(batchId);
    expect(first.body.message).toMatch(/retry with the same Idempotency-Key and the same request/);
  });

  it('re-publishes the same event for a retry while the outcome is still unknown', async () => {
    const body = { domains: ['still-unknown.example'] };
    const load = loadTheProducer(gateway);
    const first = await submit<ErrorAnswer>(body, 'late-2');
    const batchId = expectOutcomeUnknown(first);
    // Retried at once, while the first record still waits in the queue: the same batch again,
    // re-published with the same event id (503 again if that also waits too long, else 202).
    const during = await submit<ErrorAnswer & Accepted>(body, 'late-2');
    if (during.status === 202) expect(during.body.batch_id).toBe(batchId);
    else expect(expectOutcomeUnknown(during)).toBe(batchId);
    await load;

    const after = await submit<Accepted>(body, 'late-2');
    expect(after.status).toBe(202);
    expect(after.body.batch_id).toBe(batchId);
    await drainTheLog();
    // Two copies of one event in the log: consumers keep the first by its id.
    const requested = requestedWithKey('late-2');
    expect(requested).toHaveLength(2);
    expect(requested[1]).toEqual(requested[0]);
    expect(requested[0]!.id).toBe(deterministicId('batch.requested', batchId));
    expect(await submissionRows('late-2')).toEqual([{ batch_id: batchId, state: 'accepted' }]);
  });

  it('without an Idempotency-Key answers 503 naming the batch, which reads as pending once Kafka has it', async () => {
    const load = loadTheProducer(gateway);
    const answer = await submit<ErrorAnswer>({ domains: ['no-key.example', 'no-key2.example'] });
    const batchId = expectOutcomeUnknown(answer);
    expect(answer.body.message).toMatch(/without an Idempotency-Key a retry may create a second batch/);

    await eventually(() => expect(watcher.ofBatch(batchId)).toHaveLength(1));
    await load;
    // Acknowledged late: the gateway records it, so GET answers pending before the projection has it.
    const status = await eventually(async () => {
      const read = await gateway.request<{ batch_id: string; status: string; total_domains: number }>(
        'GET',
        `/api/v1/batches/${batchId}`,
        { key },
      );
      expect(read.status).toBe(200);
      return read;
    });
    expect(status.body).toMatchObject({ batch_id: batchId, status: 'pending', total_domains: 2 });
  });

  it('still answers 422 to the same key with other parameters while the outcome is unknown', async () => {
    const load = loadTheProducer(gateway);
    const first = await submit<ErrorAnswer>({ domains: ['k422.example'] }, 'late-3');
    const batchId = expectOutcomeUnknown(first);
    const other = await submit<ErrorAnswer>({ domains: ['k422.example'], max_pages: 2 }, 'late-3');
    expect(other.status).toBe(422);
    expect(other.body.message).toMatch(new RegExp(`already used for batch ${batchId} with different parameters`));
    await load;

    const same = await submit<Accepted>({ domains: ['k422.example'] }, 'late-3');
    expect(same.status).toBe(202);
    expect(same.body.batch_id).toBe(batchId);
  });

  it('answers 413 to a batch too large for the event log, and frees its Idempotency-Key', async () => {
    // 10,000 domains of ~125 characters: well within the body limit, over a 1 MiB message.
    const label = 'a'.repeat(55);
    const domains = Array.from({ length: 10_000 }, (_, index) => `${label}-${index}.${label}.example`);
    const answer = await submit<ErrorAnswer>({ domains }, 'too-large');
    expect(answer.status).toBe(413);
    expect(answer.body.message).toMatch(/too large for the event log.*send fewer domains/);
    expect(answer.headers.get('retry-after')).toBeNull();
    expect(await submissionRows('too-large')).toEqual([]);

    const smaller = await submit<Accepted>({ domains: domains.slice(0, 10) }, 'too-large');
    expect(smaller.status).toBe(202);
  });
});
