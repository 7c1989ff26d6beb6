import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The gateway's record of a submission: lets a retry with the same Idempotency-Key find its
 * batch, and lets GET answer "pending" before the projection has caught up.
 */
@Entity({ name: 'batch_submissions' })
export class BatchSubmissionEntity {
  @PrimaryColumn('uuid', { name: 'batch_id' }) batchId!: string;
  @Column('text') tenant!: string;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey!: string | null;
  @Column('text', { name: 'request_hash' }) requestHash!: string;
  @Column('text') state!: 'submitting' | 'accepted';
  @Column('integer', { name: 'total_domains' }) totalDomains!: number;
  @Column('integer', { name: 'max_pages' }) maxPages!: number;
  @Column('integer', { name: 'max_concurrent_jobs' }) maxConcurrentJobs!: number;
  @Column('jsonb') metadata!: Record<string, unknown>;
  @Column('text', { name: 'trace_id', nullable: true }) traceId!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}
