import { type BatchEvent, createMessage, initialDomainView } from '@trawl/contracts';
import { decide, type FlowDecision, type FlowInput, rowsFor, selectRows } from './batch-flow.decider';
import { dispatchLimit, type FlowBatch, type FlowDomain, holdsSlot } from './batch-flow.state';

const batchId = '00000000-0000-4000-8000-0000000000aa';
const t0 = new Date('2026-11-23T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const settings = { attemptTimeoutMs: 60_000, retryBaseMs: 1_000, retryMaxMs: 10_000, random: () => 0.5 };

/** Holds the rows between decisions, as the database does, and loads for each what the service loads. */
class World {
  batch: FlowBatch;
  domains = new Map<number, FlowDomain>();
  sent: { events: string[]; commands: string[] } = { events: [], commands: [] };

  constructor(
    private readonly names: string[],
    maxConcurrent: number,
    maxAttempts = 3,
  ) {
    this.batch = {
      batchId,
      tenant: 't',
      total: names.length,
      maxConcurrent,
      maxPages: 5,
      maxAttempts,
      maxDeliveries: 3,
      nextOrdinal: 0,
      releaseEnd: names.length,
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

  /**
   * One decision, sent and stored. `lost` models a decision whose events reached the log but
   * whose commands and rows did not (the commands' publish or the commit failed, or the process
   * stopped between the two publishes).
   */
  private run(input: FlowInput, now: Date, outcome: 'stored' | 'lost' = 'stored'): FlowDecision {
    const domains = selectRows(this.domains.values(), rowsFor(this.batch, input, now));
    const decision = decide({ batch: this.batch, domains }, input, now, settings);
    this.sent.events.push(...decision.events.map(label));
    if (outcome === 'lost') return decision;
    this.sent.commands.push(...decision.commands.map(label));
    this.batch = decision.batch;
    for (const domain of decision.changed) {
      // Rows are stored by domain: a retry round moves a row to a new ordinal.
      for (const [ordinal, row] of this.domains) if (row.domain === domain.domain) this.domains.delete(ordinal);
      this.domains.set(domain.ordinal, domain);
    }
    return decision;
  }

  start(now = t0) {
    return this.read(requested(this.names, this.batch.maxConcurrent), now);
  }

  /** Reads events back "from the log", as the handler would. */
  read(event: BatchEvent, now = t0, outcome: 'stored' | 'lost' = 'stored') {
    return this.run({ kind: 'event', event }, now, outcome);
  }

  tick(now: Date, outcome: 'stored' | 'lost' = 'stored') {
    return this.run({ kind: 'timers' }, now, outcome);
  }

  readBack(decision: FlowDecision, now = t0) {
    for (const event of decision.events) this.read(event as BatchEvent, now);
  }

  domain(name: string): FlowDomain {
    return [...this.domains.values()].find((d) => d.domain === name)!;
  }

  inFlightDomains(): string[] {
    return [...this.domains.values()].filter(holdsSlot).map((d) => d.domain);
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

const requested = (domains: string[], maxConcurrent: number): BatchEvent =>
  createMessage({
    type: 'batch.requested',
    tenant: 't',
    batchId,
    data: {
      domains,
      max_pages: 5,
      max_concurrent_jobs: maxConcurrent,
      metadata: {},
      requested_at: t0.toISOString(),
      trace_id: null,
      idempotency_key: null,
    },
  });

const cancel = () =>
  createMessage({
    type: 'batch.cancel-requested',
    tenant: 't',
    batchId,
    data: { requested_at: t0.toISOString(), reason: null },
  }) as BatchEvent;

const retryFailed = (domains: [string, number][], round = 1, part = 1, parts = 1) =>
  createMessage({
    type: 'batch.retry-requested',
    tenant: 't',
    batchId,
    data: {
      requested_at: t0.toISOString(),
      round,
      part,
      parts,
      domains: domains.map(([domain, attempt]) => ({ domain, attempt })),
    },
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

  describe('when the scheduler never reads its own domain.queued back (its consumer dead-lettered it)', () => {
    it("counts the attempt's results, frees the slot and ends the batch", () => {
      const world = new World(['a.com', 'b.com'], 1);
      world.start();
      world.read(result('a.com', 1, 'ok'));
      expect(world.domain('a.com').view).toMatchObject({ status: 'succeeded', attempt: 1 });
      expect(world.sent.commands).toEqual(['domain.scrape a.com#1', 'domain.scrape b.com#1']);
    });

    it('times the attempt out at its deadline instead of waiting for the domain.queued forever, then retries', () => {
      const world = new World(['a.com'], 1);
      world.start();
      const late = world.tick(at(60_000));
      expect(late.events.map(label)).toEqual(['domain.timed-out a.com#1']);
      world.readBack(late);
      expect(world.domain('a.com').view).toMatchObject({ status: 'queued', attempt: 1, awaitingRetry: true });
      expect(world.tick(at(61_000)).commands.map(label)).toEqual(['domain.scrape a.com#2']);
    });
  });

  describe('when a command is taken again and again without a result', () => {
    const started = (domain: string, attempt: number): BatchEvent =>
      createMessage({
        type: 'domain.started',
        tenant: 't',
        batchId,
        data: { domain, attempt, dispatch_id: 'x', started_at: t0.toISOString(), scraper_id: 's' },
      });

    it('gives every delivery a fresh deadline', () => {
      const world = new World(['a.com'], 1);
      world.readBack(world.start());
      world.read(started('a.com', 1), at(10_000));
      world.read(started('a.com', 1), at(20_000));
      expect(world.domain('a.com')).toMatchObject({ view: { status: 'running', deliveries: 2 }, dueAt: at(80_000) });
    });

    it('fails the domain as a poison command past max deliveries, frees its slot and moves on', () => {
      const world = new World(['a.com', 'b.com'], 1);
      world.readBack(world.start());
      for (let delivery = 1; delivery <= 4; delivery += 1) world.read(started('a.com', 1), at(delivery * 1_000));
      expect(world.domain('a.com')).toMatchObject({
        view: { status: 'failed', lastError: { class: 'poison_command', retryable: false } },
        dueAt: null,
      });
      expect(world.sent.commands).toEqual(['domain.scrape a.com#1', 'domain.scrape b.com#1']);
    });

    it('says in each command when the scheduler stops waiting for it', () => {
      const world = new World(['a.com'], 1);
      const command = world.start().commands[0]!;
      expect(command.data).toMatchObject({ dispatched_at: t0.toISOString(), expires_at: at(60_000).toISOString() });
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

  describe("when a dispatch's domain.queued reached the log but its command did not", () => {
    /** The retry timer queues a.com#2, then its commands' publish fails: the rows still say #1 was the last dispatched. */
    const afterALostRetry = () => {
      const world = new World(['a.com', 'b.com'], 1);
      world.readBack(world.start());
      world.read(result('a.com', 1, 'retryable'));
      const lost = world.tick(at(1_000), 'lost');
      expect(lost.events.map(label)).toEqual(['domain.queued a.com#2']);
      expect(world.sent.commands).toEqual(['domain.scrape a.com#1']);
      return { world, queued: lost.events[0] as BatchEvent, lostCommand: lost.commands[0]! };
    };

    it('sends the logged attempt its command on reading domain.queued back, under the same ids, with a deadline', () => {
      const { world, queued, lostCommand } = afterALostRetry();
      const readBack = world.read(queued, at(2_000));
      expect(readBack.commands.map(label)).toEqual(['domain.scrape a.com#2']);
      expect(readBack.commands[0]!.id).toBe(lostCommand.id);
      expect(readBack.commands[0]!.data.dispatch_id).toBe(lostCommand.data.dispatch_id);
      expect(world.domain('a.com')).toMatchObject({
        view: { status: 'queued', attempt: 2 },
        dispatchedAttempt: 2,
        dueAt: at(62_000),
      });
    });

    it('times the attempt out at its deadline when no result comes, and retries it', () => {
      const { world, queued } = afterALostRetry();
      world.read(queued, at(2_000));
      const late = world.tick(at(62_000));
      expect(late.events.map(label)).toEqual(['domain.timed-out a.com#2']);
      world.readBack(late);
      expect(world.domain('a.com').view).toMatchObject({ attempt: 2, awaitingRetry: true });
    });

    it('ends a cancelled batch and frees the slot once that attempt ends', () => {
      const { world, queued } = afterALostRetry();
      world.read(queued, at(2_000));
      world.read(cancel(), at(3_000));
      expect(world.domain('b.com').view.status).toBe('cancelled');
      world.readBack(world.tick(at(62_000)));
      expect(world.domain('a.com').view.status).toBe('failed');
      expect(world.batch).toMatchObject({ finished: true, ended: 2, inFlight: 0 });
    });

    it('sends the command when the timer fires on a row stored behind the log (before this rule existed)', () => {
      const world = new World(['a.com'], 1);
      world.readBack(world.start());
      const queuedTwice = {
        status: 'queued',
        attempt: 2,
        awaitingRetry: false,
        lastError: null,
        deliveries: 0,
        roundStart: 1,
      } as const;
      world.domains.set(0, { ...world.domain('a.com'), view: queuedTwice, dispatchedAttempt: 1, dueAt: at(1_000) });
      const tick = world.tick(at(1_000));
      expect(tick.commands.map(label)).toEqual(['domain.scrape a.com#2']);
      expect(world.domain('a.com')).toMatchObject({ dispatchedAttempt: 2, dueAt: at(61_000) });
    });
  });

  describe('when a retry-failed round is requested', () => {
    /** A batch of four, max 2 at a time: a and c succeed, b and d fail for good at attempt 1. */
    function endedPartial(maxAttempts = 3) {
      const world = new World(['a.com', 'b.com', 'c.com', 'd.com'], 2, maxAttempts);
      world.readBack(world.start());
      for (const [name, outcome] of [
        ['a.com', 'ok'],
        ['b.com', 'fatal'],
        ['c.com', 'ok'],
        ['d.com', 'fatal'],
      ] as const) {
        world.readBack(world.read(result(name, 1, outcome)));
      }
      expect(world.batch).toMatchObject({ finished: true, ended: 4, inFlight: 0 });
      return world;
    }

    it('reopens the failed domains only, releases them in order under max_concurrent_jobs, and ends again', () => {
      const world = endedPartial();
      world.sent.commands = [];
      const reopened = world.read(
        retryFailed([
          ['b.com', 1],
          ['d.com', 1],
        ]),
      );
      expect(reopened.events.map(label)).toEqual(['domain.queued b.com#2', 'domain.queued d.com#2']);
      expect(world.sent.commands).toEqual(['domain.scrape b.com#2', 'domain.scrape d.com#2']);
      expect(world.batch).toMatchObject({ finished: false, ended: 2, inFlight: 2, releaseEnd: 6, nextOrdinal: 6 });
      expect(world.domain('a.com').view.status).toBe('succeeded');
      world.readBack(reopened);
      world.read(result('b.com', 2, 'ok'));
      expect(world.batch.finished).toBe(false);
      world.read(result('d.com', 2, 'fatal'));
      expect(world.batch).toMatchObject({ finished: true, ended: 4, inFlight: 0 });
      expect(world.domain('b.com').view).toMatchObject({ status: 'succeeded', attempt: 2, roundStart: 2 });
    });

    it('never has more than max_concurrent_jobs of the round in flight', () => {
      const names = ['a.com', 'b.com', 'c.com', 'd.com', 'e.com'];
      const world = new World(names, 2, 1);
      world.readBack(world.start());
      for (const name of names) world.readBack(world.read(result(name, 1, 'fatal')));
      expect(world.batch.finished).toBe(true);
      const reopened = world.read(retryFailed(names.map((name) => [name, 1])));
      expect(reopened.commands.map(label)).toEqual(['domain.scrape a.com#2', 'domain.scrape b.com#2']);
      world.readBack(reopened);
      const next = world.read(result('a.com', 2, 'ok'));
      expect(next.commands.map(label)).toEqual(['domain.scrape c.com#2']);
      expect(world.inFlightDomains()).toEqual(['b.com', 'c.com']);
    });

    it('gives each reopened domain max_attempts again, counted from the round', () => {
      const world = new World(['a.com'], 1, 2);
      world.readBack(world.start());
      world.read(result('a.com', 1, 'retryable'));
      world.readBack(world.tick(at(1_000)));
      world.read(result('a.com', 2, 'retryable'));
      expect(world.domain('a.com').view).toMatchObject({ status: 'failed', attempt: 2 });
      world.readBack(world.read(retryFailed([['a.com', 2]])));
      world.read(result('a.com', 3, 'retryable'));
      expect(world.domain('a.com').view).toMatchObject({ status: 'queued', awaitingRetry: true, attempt: 3 });
      world.readBack(world.tick(at(5_000)));
      world.read(result('a.com', 4, 'retryable'));
      expect(world.domain('a.com').view).toMatchObject({ status: 'failed', attempt: 4 });
      expect(world.batch.finished).toBe(true);
    });

    it('rebuilds the row of a failed domain the finished batch no longer holds, from the request', () => {
      const world = endedPartial();
      for (const [ordinal] of world.domains) world.domains.delete(ordinal);
      const reopened = world.read(retryFailed([['d.com', 1]]));
      expect(reopened.commands.map(label)).toEqual(['domain.scrape d.com#2']);
      expect(world.batch).toMatchObject({ finished: false, ended: 3, inFlight: 1 });
      world.readBack(reopened);
      world.read(result('d.com', 2, 'ok'));
      expect(world.batch).toMatchObject({ finished: true, ended: 4 });
    });

    it('reopens nothing twice, nothing that did not fail at the named attempt, and nothing after a cancel', () => {
      const world = endedPartial();
      world.readBack(
        world.read(
          retryFailed([
            ['b.com', 1],
            ['a.com', 1],
          ]),
        ),
      );
      expect(world.read(retryFailed([['b.com', 1]], 1, 1, 1)).commands).toEqual([]);
      expect(world.read(retryFailed([['d.com', 5]])).commands).toEqual([]);
      expect(world.inFlightDomains()).toEqual(['b.com']);

      const cancelled = new World(['a.com', 'b.com'], 1);
      cancelled.readBack(cancelled.start());
      cancelled.read(cancel());
      cancelled.read(result('a.com', 1, 'fatal'));
      expect(cancelled.batch.finished).toBe(true);
      expect(cancelled.read(retryFailed([['a.com', 1]])).commands).toEqual([]);
      expect(cancelled.batch.finished).toBe(true);
    });
  });

  describe('fair shares of the dispatch capacity', () => {
    it('gives each tenant an equal share, each of its batches an equal part of it, never less than one', () => {
      const batch = new World(['a.com'], 10).batch;
      const limit = (tenants: number, tenantBatches: number, capacity = 8) =>
        dispatchLimit({ ...batch, competition: { tenants, tenantBatches } }, capacity);
      expect(limit(1, 1)).toBe(8);
      expect(limit(2, 1)).toBe(4);
      expect(limit(2, 2)).toBe(2);
      expect(limit(3, 1)).toBe(3);
      expect(limit(3, 1, 2)).toBe(1);
      expect(limit(1, 1, 100)).toBe(10); // never above max_concurrent_jobs
      expect(limit(5, 5, 0)).toBe(10); // no capacity set: max_concurrent_jobs only
      expect(dispatchLimit(batch, 8)).toBe(10); // not loaded with its competition
    });

    it('releases no more than its share, and more once the other batches have ended', () => {
      const names = ['a.com', 'b.com', 'c.com', 'd.com', 'e.com', 'f.com'];
      const world = new World(names, 5);
      const fair = { ...settings, dispatchCapacity: 4 };
      world.batch = { ...world.batch, competition: { tenants: 2, tenantBatches: 1 } };
      const input: FlowInput = { kind: 'event', event: requested(names, 5) };
      const start = decide({ batch: world.batch, domains: [...world.domains.values()] }, input, t0, fair);
      expect(start.commands.map(label)).toEqual(['domain.scrape a.com#1', 'domain.scrape b.com#1']);
      const alone = { ...start.batch, competition: { tenants: 1, tenantBatches: 1 } };
      const rows = [...world.domains.values()].map(
        (row) => start.changed.find((c) => c.ordinal === row.ordinal) ?? row,
      );
      const next = decide(
        { batch: alone, domains: rows },
        { kind: 'event', event: result('a.com', 1, 'ok') },
        t0,
        fair,
      );
      expect(next.commands.map(label)).toEqual([
        'domain.scrape c.com#1',
        'domain.scrape d.com#1',
        'domain.scrape e.com#1',
      ]);
    });
  });
});
