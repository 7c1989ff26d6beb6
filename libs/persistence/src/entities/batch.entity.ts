import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type BatchStatus } from '@trawl/contracts';

/** A batch as the projection knows it (written by the aggregator only). */
@Entity({ name: 'batches' })
export class BatchEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') tenant!: string;
  @Column('text') status!: BatchStatus;
  @Column('integer', { name: 'total_domains' }) totalDomains!: number;
  @Column('integer', { name: 'succeeded_domains' }) succeededDomains!: number;
  @Column('integer', { name: 'failed_domains' }) failedDomains!: number;
  @Column('integer', { name: 'cancelled_domains' }) cancelledDomains!: number;
  @Column('integer', { name: 'pages_scraped' }) pagesScraped!: number;
  @Column('integer', { name: 'max_pages' }) maxPages!: number;
  @Column('integer', { name: 'max_concurrent_jobs' }) maxConcurrentJobs!: number;
  @Column('integer', { name: 'max_attempts', nullable: true }) maxAttempts!: number | null;
  @Column('integer', { name: 'max_deliveries', nullable: true }) maxDeliveries!: number | null;
  @Column('bigint', { name: 'change_seq' }) changeSeq!: string;
  @Column('jsonb') metadata!: Record<string, unknown>;
  @Column('text', { name: 'trace_id', nullable: true }) traceId!: string | null;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey!: string | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'start_time', nullable: true }) startTime!: Date | null;
  @Column('timestamptz', { name: 'end_time', nullable: true }) endTime!: Date | null;
  @Column('timestamptz', { name: 'cancel_requested_at', nullable: true }) cancelRequestedAt!: Date | null;
}
