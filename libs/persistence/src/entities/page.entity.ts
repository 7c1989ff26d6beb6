import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One fetched page of a domain's successful (or last) attempt. */
@Entity({ name: 'pages' })
export class PageEntity {
  @PrimaryColumn('uuid', { name: 'batch_id' }) batchId!: string;
  @PrimaryColumn('text') domain!: string;
  @PrimaryColumn('integer') position!: number;
  @Column('text') url!: string;
  @Column('text', { name: 'final_url' }) finalUrl!: string;
  @Column('integer', { name: 'status_code', nullable: true }) statusCode!: number | null;
  @Column('text', { name: 'content_type', nullable: true }) contentType!: string | null;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text', { nullable: true }) language!: string | null;
  @Column('text', { name: 'canonical_url', nullable: true }) canonicalUrl!: string | null;
  @Column('jsonb') h1!: string[];
  @Column('jsonb') h2!: string[];
  @Column('integer', { name: 'links_found' }) linksFound!: number;
  @Column('integer') bytes!: number;
  @Column('integer') depth!: number;
  @Column('timestamptz', { name: 'fetched_at' }) fetchedAt!: Date;
  @Column('double precision', { name: 'duration_ms' }) durationMs!: number;
  @Column('text', { nullable: true }) error!: string | null;
}
