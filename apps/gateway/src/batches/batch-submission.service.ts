import { MessagePublisher } from '@trawl/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { createMessage, deterministicId } from '@trawl/contracts';
import { currentTraceId, LOG, type Log } from '@trawl/telemetry';
import { Database } from '../common/database';
import { ApiError, badRequest } from '../http/api-error';
import { normaliseDomainList } from './domain-list';
import { type NormalisedRequest, requestHash } from './request-hash';

export const IDEMPOTENCY_KEY_MAX_CHARS = 200;

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
 * Accepts batches: validates and normalises, publishes `batch.requested` and answers only once
 * Kafka acknowledged it. With an Idempotency-Key the submission row claims the key first:
 * 'submitting' until the ack, 'accepted' after, deleted if the publish failed; a retry with the
 * same key finds it (and re-publishes the same event if a crash left it 'submitting').
 */
@Injectable()
export class BatchSubmissionService {
  constructor(
    private readonly database: Database,
    private readonly publisher: MessagePublisher,
    @Inject(TRAWL_CONFIG) private readonly config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {}

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
    // Twice at most: if the request that holds the key fails and removes its row, this one proceeds.
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
    try {
      await this.publisher.publish([this.requestedEvent(submission)]);
    } catch (error) {
      // Nothing half-created: without the row, GET says 404 and a retry starts afresh.
      await this.database
        .execute(`delete from batch_submissions where batch_id = $1 and state = 'submitting'`, [submission.batchId])
        .catch((cleanupError: unknown) =>
          this.log.error({ err: cleanupError, batch_id: submission.batchId }, 'could not remove a failed submission'),
        );
      throw error;
    }
    await this.markAccepted(submission);
    return this.accepted(submission, false);
  }

  /**
   * Without an Idempotency-Key there is no key to claim first, so one write suffices: publish,
   * then record the accepted submission (for GET before the projection has the batch). If that
   * write fails the batch still exists in the log and the projection shows it shortly.
   */
  private async publishUnkeyed(submission: Submission): Promise<AcceptedBatch> {
    await this.publisher.publish([this.requestedEvent(submission)]);
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
      // The first request crashed or is still waiting for Kafka. Publishing the same event (same id)
      // again is harmless: consumers drop the duplicate.
      await this.publisher.publish([this.requestedEvent(original)]);
      await this.markAccepted(original);
    }
    return this.accepted(original, true);
  }

  private async markAccepted(submission: Submission): Promise<void> {
    const updated = await this.database.execute(`update batch_submissions set state = 'accepted' where batch_id = $1`, [
      submission.batchId,
    ]);
    // A concurrent first request whose publish failed may have removed the row meanwhile.
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
