import { ApiProperty } from '@nestjs/swagger';
import { BATCH_STATUSES, type BatchStatus, DOMAIN_STATUSES, type DomainStatus } from '@trawl/contracts';

/** The seed's response shapes, kept field for field for existing clients. */
export class V3BatchAcceptedDto {
  @ApiProperty({ format: 'uuid' }) batch_id!: string;
  @ApiProperty({ example: '/api/v3/batch_page_scraper/batch/282348a7-ac5b-41c2-a279-9eea14a17bcc/status' })
  status_url!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) job_count!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class V3BatchStatusDto {
  @ApiProperty({ format: 'uuid' }) batch_id!: string;
  @ApiProperty({ enum: BATCH_STATUSES }) status!: BatchStatus;
  @ApiProperty({ type: 'integer', minimum: 0 }) total_domains!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) completed_domains!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) failed_domains!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) progress!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) start_time!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) end_time!: string | null;
  @ApiProperty({ type: Number, nullable: true }) processing_time!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: [...DOMAIN_STATUSES] } })
  domain_statuses!: Record<string, DomainStatus>;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
}
