import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type DomainExtraction, type DomainStatus } from '@trawl/contracts';

/** One domain of a batch as the projection knows it. */
@Entity({ name: 'batch_domains' })
export class BatchDomainEntity {
  @PrimaryColumn('uuid', { name: 'batch_id' }) batchId!: string;
  @PrimaryColumn('text') domain!: string;
  @Column('integer') ordinal!: number;
  @Column('text') status!: DomainStatus;
  @Column('integer') attempt!: number;
  @Column('boolean', { name: 'awaiting_retry' }) awaitingRetry!: boolean;
  @Column('integer') deliveries!: number;
  @Column('bigint', { name: 'change_seq' }) changeSeq!: string;
  @Column('integer', { name: 'pages_scraped' }) pagesScraped!: number;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @Column('text', { name: 'error_class', nullable: true }) errorClass!: string | null;
  @Column('text', { name: 'error_message', nullable: true }) errorMessage!: string | null;
  @Column('boolean', { name: 'error_retryable', nullable: true }) errorRetryable!: boolean | null;
  @Column('jsonb', { nullable: true }) extraction!: DomainExtraction | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
