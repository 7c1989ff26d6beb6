import { type BatchEvent, createMessage, initialDomainView } from '@trawl/contracts';
import { BatchFlowDecider } from './batch-flow.decider';
import { type FlowBatch, type FlowDomain } from './batch-flow.state';

const batchId = '00000000-0000-4000-8000-0000000000aa';
const t0 = new Date('2026-11-23T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const settings = { attemptTimeoutMs: 60_000, retryBaseMs: 1_000, retryMaxMs: 10_000, random: () => 0.5 };

/** Holds the rows between decisions, as the database does. */
class World {
  batch: FlowBatch;
  domains = new Map<number, FlowDomain>();
  sent: { events: string[]; commands: string[] } = { events: [], commands: [] };

  constructor(names: string[], maxConcurrent: number, maxAttempts = 3) {
    this.batch = {
      batchId,
      tenant: 't',
      total: names.length,
      maxConcurrent,
      maxPages: 5,
      maxAttempts,
      nextOrdinal: 0,
      inFlight: 0,
      started: false,
      cancelRequested: false,
      finished: false,
      ended: 0,
    };
    names.forEach((domain, ordinal) =>
      this.domains.set(ordinal, { ordinal, domain, view: initialDomainView, dispatchedAttempt: 0, dueAt: null }),
    );
  }

  private run(fn: (decider: BatchFlowDecider) => void): BatchFlowDecider {
    const decider = new BatchFlowDecider(this.batch, this.domains, settings);
    fn(decider);
    this.sent.events.push(...decider.events.map(label));
    this.sent.commands.push(...decider.commands.map(label));
    return decider;
  }

  start(now = t0) {
    return this.run((d) => d.start(now));
  }

  /** Reads events back "from the log", as the handler would. */
  read(event: BatchEvent, now = t0) {
    return this.run((d) => d.apply(event, now));
  }

  tick(now: Date) {
    return this.run((d) => d.fireTimers(now));
  }

  readBack(decider: BatchFlowDecider) {
    for (const event of decider.events) this.read(event as BatchEvent);
  }

  inFlightDomains(): string[] {
    return [...this.domains.values()]
      .filter((d) => d.dispatchedAttempt > 0 && !['succeeded', 'failed', 'cancelled'].includes(d.view.status))
      .map((d) => d.domain);
  }
}

function label(message: { type: string; data: unknown }): string {
  const data = message.data as { domain?: string; attempt?: number };
  return data.domain ? `${message.type} ${data.domain}#${data.attempt}` : message.type;
}

const result = (domain: string, attempt: number, outcome: 'ok' | 'retryable' | 'fatal'): BatchEvent =>
  outcome === 'ok'
    ? createMessage({
        type: 'domain.scraped',
        tenant: 't',
        batchId,
        data: {
          domain,
          attempt,
          dispatch_id: 'x',
          started_at: t0.toISOString(),
          finished_at: t0.toISOString(),
          pages: [],
          extraction: { emails: [], phones: [], socials: [], technologies: [] },
        },
      })
    : createMessage({
        type: 'domain.failed',
        tenant: 't',
        batchId,
        data: {
          domain,
          attempt,
          dispatch_id: 'x',
          started_at: null,
          finished_at: t0.toISOString(),
          error: { class: 'c', message: 'm', retryable: outcome === 'retryable' },
          pages: [],
        },
      });

const cancel = () =>
  createMessage({
    type: 'batch.cancel-requested',
    tenant: 't',
    batchId,
    data: { requested_at: t0.toISOString(), reason: null },
  }) as BatchEvent;

describe('the batch flow', () => {
  describe('when a batch starts', () => {
    it('dispatches no more than max_concurrent_jobs domains, in order, after logging batch.started', () => {
      const world = new World(['a.com', 'b.com', 'c.com', 'd.com'], 2);
      const decider = world.start();
      expect(world.sent.events).toEqual(['batch.started', 'domain.queued a.com#1', 'domain.queued b.com#1']);
      expect(world.sent.commands).toEqual(['domain.scrape a.com#1', 'domain.scrape b.com#1']);
      expect(decider.events[0]!.id).toBe(new World(['a.com'], 1).start().events[0]!.id);
    });
  });

  describe('when results come back', () => {
    it('releases the next domain for each ended one and never exceeds the limit', () => {
      const world = new World(['a.com', 'b.com', 'c.com', 'd.com'], 2);
      world.readBack(world.start());
      world.read(result('a.com', 1, 'ok'));
      expect(world.inFlightDomains()).toEqual(['b.com', 'c.com']);
      world.read(result('b.com', 1, 'fatal'));
      world.read(result('b.com', 1, 'fatal'));
      expect(world.inFlightDomains()).toEqual(['c.com', 'd.com']);
      expect(world.sent.commands).toHaveLength(4);
    });

    it('finishes the batch when every domain ended', () => {
      const world = new World(['a.com', 'b.com'], 5);
      world.readBack(world.start());
      world.read(result('a.com', 1, 'ok'));
      expect(world.batch.finished).toBe(false);
      world.read(result('b.com', 1, 'fatal'));
      expect(world.batch).toMatchObject({ finished: true, ended: 2, inFlight: 0 });
    });
  });

  describe('when an attempt fails in a retryable way', () => {
    it('keeps the slot and dispatches the next attempt when the backoff is over', () => {
      const world = new World(['a.com', 'b.com'], 1);
      world.readBack(world.start());
      world.read(result('a.com', 1, 'retryable'));
      expect(world.inFlightDomains()).toEqual(['a.com']);
      expect(world.tick(at(100)).commands).toHaveLength(0);
      const retry = world.tick(at(1_000));
      expect(retry.commands.map(label)).toEqual(['domain.scrape a.com#2']);
    });
  });

  describe('when no result comes before the deadline', () => {
    it('logs domain.timed-out, and the read-back turns it into a retry', () => {
      const world = new World(['a.com'], 1);
      world.readBack(world.start());
      const late = world.tick(at(60_000));
      expect(late.events.map(label)).toEqual(['domain.timed-out a.com#1']);
      world.readBack(late);
      expect(world.domains.get(0)!.view).toMatchObject({ awaitingRetry: true, attempt: 1 });
    });
  });

  describe('when the batch is cancelled', () => {
    it('dispatches nothing more, cancels the pending domains and ends when the running ones finish', () => {
      const world = new World(['a.com', 'b.com', 'c.com'], 1);
      world.readBack(world.start());
      world.read(cancel());
      expect(world.domains.get(1)!.view.status).toBe('cancelled');
      expect(world.batch.finished).toBe(false);
      world.read(result('a.com', 1, 'ok'));
      expect(world.sent.commands).toEqual(['domain.scrape a.com#1']);
      expect(world.batch).toMatchObject({ finished: true, ended: 3, inFlight: 0 });
    });

    it('frees the slot of a domain dispatched but not yet logged as queued', () => {
      const world = new World(['a.com', 'b.com'], 1);
      world.start();
      world.read(cancel());
      expect(world.batch).toMatchObject({ inFlight: 0, finished: true });
    });
  });
});
