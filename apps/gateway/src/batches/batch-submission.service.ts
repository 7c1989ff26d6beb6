import { MessagePublisher, MessageTooLargeError, PublishError } from '@trawl/messaging';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { createMessage, deterministicId } from '@trawl/contracts';
import { currentTraceId, LOG, type Log } from '@trawl/telemetry';
import { Database } from '../common/database';
import { IDEMPOTENCY_KEY_MAX_CHARS, IDEMPOTENCY_KEY_PATTERN } from '../http/api-contract';
import { ApiError, badRequest, RETRY_AFTER_SECONDS } from '../http/api-error';
import { normaliseDomainList } from './domain-list';
import { type NormalisedRequest, requestHash } from './request-hash';

export interface SubmitInput {
  domains: unknown[];
  max_pages: number;
  max_concurrent_jobs: number;
  /** Absent on the v3 surface, whose batches carried {domain_count} as their metadata. */
  metadata?: Record<string, unknown>;
}

/** A submission Kafka acknowledged. `replayed`: an earlier request with the same Idempotency-Key made it. */
export interface AcceptedBatch {
  batchId: string;
  jobCount: number;
  createdAt: Date;
  traceId: string | null;
  replayed: boolean;
}

interface Submission {
  batchId: string;
  tenant: string;
  idempotencyKey: string | null;
  requestHash: string;
  request: NormalisedRequest;
  traceId: string | null;
  createdAt: Date;
}

interface StoredSubmission {
  batch_id: string;
  request_hash: string;
  state: 'submitting' | 'accepted';
  total_domains: number;
  trace_id: string | null;
  created_at: Date;
}

const INSERT_SUBMISSION = `
  insert into batch_submissions
    (batch_id, tenant, idempotency_key, request_hash, state, total_domains, max_pages, max_concurrent_jobs, metadata, trace_id, created_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
  on conflict do nothing
  returning batch_id`;

/**
 * Accepts batches: validates and normalises, publishes `batch.requested` and answers 202 only once
 * Kafka acknowledged it. A publish that ends any other way than an ack or a definite refusal (a
 * timeout above all: kafkajs goes on sending) leaves the outcome unknown, never "nothing was
 * published": the answer is a 503 naming the batch id, and nothing is undone.
 *
 * With an Idempotency-Key the submission row claims the key first. Its states:
 * - 'submitting': claimed, and not known to be in the log (publish under way, timed out, or the
 *   gateway died meanwhile). A retry with the same key and request re-publishes the same event
 *   (same event id, same batch id: consumers drop the duplicate), then marks it accepted.
 * - 'accepted': Kafka acknowledged it (in the request, in a retry, or late, after a 503); GET
 *   answers "pending" from it until the projection has the batch.
 * - deleted: only on a definite refusal (MessageTooLargeError: nothing of it was sent).
 * Without a key nothing is written before the ack; a late ack writes the 'accepted' row then.
 */
@Injectable()
export class BatchSubmissionService implements OnModuleDestroy {
  /** Set at shutdown: a late ack no longer writes (it would reopen the database pool). */
  private closing = false;

  constructor(
    private readonly database: Database,
    private readonly publisher: MessagePublisher,
    @Inject(TRAWL_CONFIG) private readonly config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {}

  onModuleDestroy(): void {
    this.closing = true;
  }

  async submit(tenant: string, input: SubmitInput, idempotencyKeyHeader: string | undefined): Promise<AcceptedBatch> {
    const idempotencyKey = this.checkIdempotencyKey(idempotencyKeyHeader);
    const request = this.normalise(input);
    const submission: Submission = {
      batchId: randomUUID(),
      tenant,
      idempotencyKey,
      requestHash: requestHash(request),
      request,
      traceId: currentTraceId(),
      createdAt: new Date(),
    };
    if (idempotencyKey === null) return this.publishUnkeyed(submission);
    // Twice at most: if the request that holds the key is refused and removes its row, this one proceeds.
    for (let attempt = 1; ; attempt += 1) {
      if (await this.insert(submission, 'submitting')) return this.publishNew(submission);
      const existing = idempotencyKey === null ? undefined : await this.findByKey(tenant, idempotencyKey);
      if (existing) return this.replay(submission, existing);
      if (attempt >= 2)
        throw new ApiError(409, 'a request with this Idempotency-Key is being processed; retry shortly');
    }
  }

  private checkIdempotencyKey(header: string | undefined): string | null {
    if (header === undefined) return null;
    if (header.length === 0 || header.length > IDEMPOTENCY_KEY_MAX_CHARS) {
      throw badRequest(`Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_CHARS} characters (got ${header.length})`);
    }
    if (!new RegExp(IDEMPOTENCY_KEY_PATTERN).test(header)) {
      throw badRequest('Idempotency-Key must be printable ASCII characters (and spaces or tabs between them)');
    }
    return header;
  }

  private normalise(input: SubmitInput): NormalisedRequest {
    const limit = this.config.TRAWL_MAX_DOMAINS_PER_BATCH;
    const result = normaliseDomainList(input.domains, limit);
    switch (result.kind) {
      case 'invalid': {
        const which =
          result.problems.length < result.total ? `the first ${result.problems.length} are listed` : 'see details';
        throw badRequest(`${result.total} of ${input.domains.length} domains are invalid; ${which}`, result.problems);
      }
      case 'empty':
        throw badRequest('domains must not be empty');
      case 'too-many':
        throw badRequest(
          `too many domains: a batch may hold at most ${result.limit} unique domains (got ${result.unique})`,
        );
      case 'ok':
        return {
          domains: result.domains,
          max_pages: input.max_pages,
          max_concurrent_jobs: input.max_concurrent_jobs,
          metadata: input.metadata ?? { domain_count: result.domains.length },
        };
    }
  }

  private async insert(submission: Submission, state: 'submitting' | 'accepted'): Promise<boolean> {
    const { request } = submission;
    const rows = await this.database.rows(INSERT_SUBMISSION, [
      submission.batchId,
      submission.tenant,
      submission.idempotencyKey,
      submission.requestHash,
      state,
      request.domains.length,
      request.max_pages,
      request.max_concurrent_jobs,
      JSON.stringify(request.metadata),
      submission.traceId,
      submission.createdAt,
    ]);
    return rows.length === 1;
  }

  private async findByKey(tenant: string, idempotencyKey: string): Promise<StoredSubmission | undefined> {
    const rows = await this.database.rows<StoredSubmission>(
      `select batch_id, request_hash, state, total_domains, trace_id, created_at
       from batch_submissions where tenant = $1 and idempotency_key = $2`,
      [tenant, idempotencyKey],
    );
    return rows[0];
  }

  private async publishNew(submission: Submission): Promise<AcceptedBatch> {
    await this.publishRequested(submission);
    await this.markAccepted(submission);
    return this.accepted(submission, false);
  }

  /**
   * Without an Idempotency-Key there is no key to claim first, so one write suffices: publish,
   * then record the accepted submission (for GET before the projection has the batch). If that
   * write fails the batch still exists in the log and the projection shows it shortly.
   */
  private async publishUnkeyed(submission: Submission): Promise<AcceptedBatch> {
    await this.publishRequested(submission);
    await this.insert(submission, 'accepted').catch((error: unknown) =>
      this.log.error(
        { err: error, batch_id: submission.batchId },
        'batch accepted but its submission row was not written',
      ),
    );
    return this.accepted(submission, false);
  }

  private async replay(submission: Submission, existing: StoredSubmission): Promise<AcceptedBatch> {
    if (existing.request_hash !== submission.requestHash) {
      throw new ApiError(
        422,
        `Idempotency-Key "${submission.idempotencyKey}" was already used for batch ${existing.batch_id} with different ` +
          'parameters; send the same request to get that batch again, or use a new key for a new batch',
      );
    }
    const original: Submission = {
      ...submission,
      batchId: existing.batch_id,
      traceId: existing.trace_id,
      createdAt: existing.created_at,
    };
    if (existing.state === 'submitting') {
      // The first request's outcome is unknown: it timed out, crashed, or still waits for Kafka.
      // Publishing the same event (same id, same batch id) again is harmless: consumers drop the
      // duplicate by event id.
      await this.publishRequested(original);
      await this.markAccepted(original);
    }
    return this.accepted(original, true);
  }

  /**
   * Publishes the submission's batch.requested. A definite refusal (too large: nothing was sent)
   * removes the claimed row and answers 413. Anything else leaves the outcome unknown: the row
   * stays, a late ack marks it accepted, and the answer is a 503 that says so.
   */
  private async publishRequested(submission: Submission): Promise<void> {
    try {
      await this.publisher.publish([this.requestedEvent(submission)]);
    } catch (error) {
      if (error instanceof MessageTooLargeError) {
        await this.removeClaim(submission);
        throw new ApiError(
          413,
          `the batch is too large for the event log (${error.message}); send fewer domains or less metadata`,
        );
      }
      this.log.warn(
        {
          err: error,
          batch_id: submission.batchId,
          tenant: submission.tenant,
          keyed: submission.idempotencyKey !== null,
        },
        'Kafka did not confirm batch.requested: outcome unknown, answered 503',
      );
      this.acceptWhenAcknowledged(submission, error);
      throw this.outcomeUnknown(submission);
    }
  }

  /** Nothing of it reached the log: without the row, GET says 404 and a retry with the key starts afresh. */
  private async removeClaim(submission: Submission): Promise<void> {
    if (submission.idempotencyKey === null) return;
    await this.database
      .execute(`delete from batch_submissions where batch_id = $1 and state = 'submitting'`, [submission.batchId])
      .catch((cleanupError: unknown) =>
        this.log.error({ err: cleanupError, batch_id: submission.batchId }, 'could not remove a refused submission'),
      );
  }

  /**
   * A timed-out send goes on: if Kafka acknowledges it after all, the batch exists, so record it as
   * accepted (GET answers pending, a retry with the key replays it without publishing again).
   * If the send fails in the end the outcome stays unknown (it may have been appended before an
   * error): the row stays 'submitting' for a retry with the key.
   */
  private acceptWhenAcknowledged(submission: Submission, error: unknown): void {
    const lateOutcome = error instanceof PublishError ? error.lateOutcome : undefined;
    if (lateOutcome === undefined) return;
    const context = { batch_id: submission.batchId, tenant: submission.tenant };
    lateOutcome
      .then(
        async () => {
          if (this.closing) return;
          await this.markAccepted(submission);
          this.log.info(context, 'Kafka acknowledged batch.requested after the 503; the batch is accepted');
        },
        (sendError: unknown) =>
          this.log.warn({ ...context, err: sendError }, 'batch.requested failed after its timeout; outcome unknown'),
      )
      .catch((writeError: unknown) =>
        this.log.error(
          { ...context, err: writeError },
          'batch acknowledged late but its submission row was not written',
        ),
      );
  }

  /** The 503 of an unknown outcome: names the batch, and says how to go on with or without a key. */
  private outcomeUnknown(submission: Submission): ApiError {
    const { batchId } = submission;
    const next =
      submission.idempotencyKey === null
        ? 'without an Idempotency-Key a retry may create a second batch: GET the batch by its id to see whether ' +
          'it exists, and send an Idempotency-Key to retry safely'
        : `retry with the same Idempotency-Key and the same request: it resolves to batch ${batchId}, never to a ` +
          'second batch';
    return new ApiError(
      503,
      `Kafka did not confirm batch ${batchId} in time: the outcome is unknown (the batch may or may not exist); ${next}`,
      { details: [{ batch_id: batchId, outcome: 'unknown' }], headers: { 'Retry-After': RETRY_AFTER_SECONDS } },
    );
  }

  private async markAccepted(submission: Submission): Promise<void> {
    const updated = await this.database.execute(`update batch_submissions set state = 'accepted' where batch_id = $1`, [
      submission.batchId,
    ]);
    // No row: a late ack of a request without a key, or a concurrent request's refusal removed it.
    if (updated === 0) await this.insert(submission, 'accepted');
  }

  private requestedEvent(submission: Submission) {
    const { request } = submission;
    return createMessage({
      type: 'batch.requested',
      id: deterministicId('batch.requested', submission.batchId),
      tenant: submission.tenant,
      batchId: submission.batchId,
      time: submission.createdAt,
      data: {
        domains: request.domains,
        max_pages: request.max_pages,
        max_concurrent_jobs: request.max_concurrent_jobs,
        metadata: request.metadata,
        requested_at: submission.createdAt.toISOString(),
        trace_id: submission.traceId,
        idempotency_key: submission.idempotencyKey,
      },
    });
  }

  private accepted(submission: Submission, replayed: boolean): AcceptedBatch {
    return {
      batchId: submission.batchId,
      jobCount: submission.request.domains.length,
      createdAt: submission.createdAt,
      traceId: submission.traceId,
      replayed,
    };
  }
}
