import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BATCH_STATUSES, type BatchStatus, DOMAIN_STATUSES, type DomainStatus } from '@trawl/contracts';

const timestamp = (description: string, nullable = false) =>
  ApiProperty({ type: String, format: 'date-time', nullable, description });

export class ErrorDto {
  @ApiProperty({ type: 'integer', example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: '1 of 3 domains are invalid' }) message!: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ index: 2, value: 'http://', reason: 'not a hostname' }],
  })
  details?: unknown[];
}

export class BatchAcceptedDto {
  @ApiProperty({ format: 'uuid' }) batch_id!: string;
  @ApiProperty({ example: '/api/v1/batches/282348a7-ac5b-41c2-a279-9eea14a17bcc' }) status_url!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Unique domains after normalisation' }) job_count!: number;
  @timestamp('When the gateway accepted the batch') created_at!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The trace of this request (null when tracing is off)' })
  trace_id!: string | null;
}

export class BatchSummaryDto {
  @ApiProperty({ format: 'uuid' }) batch_id!: string;
  @ApiProperty({ enum: BATCH_STATUSES }) status!: BatchStatus;
  @ApiProperty({ type: 'integer', minimum: 0 }) total_domains!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Domains that succeeded' }) completed_domains!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) failed_domains!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) cancelled_domains!: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Ended domains / total, 4 decimals' }) progress!: number;
  @timestamp('When the batch was accepted') created_at!: string;
  @timestamp('Last change') updated_at!: string;
  @timestamp('When the first domain was dispatched', true) start_time!: string | null;
  @timestamp('When the last domain ended', true) end_time!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Seconds from start (or creation) to end; null until ended',
  })
  processing_time!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) trace_id!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0 }) max_pages!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) max_concurrent_jobs!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) pages_scraped!: number;
  @timestamp('When a cancel was requested', true) cancel_requested_at!: string | null;
  @timestamp(
    'Set while an unfinished batch makes no progress: when it stopped (TRAWL_STUCK_AFTER_MS after its last change)',
    true,
  )
  stuck_since!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Retry-failed rounds requested (POST …/retry-failed)' })
  retry_rounds!: number;
  @timestamp('When the last retry-failed round was requested', true) retry_requested_at!: string | null;
}

export class BatchStatusDto extends BatchSummaryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...DOMAIN_STATUSES] },
    description: 'Status of every domain, in submission order',
    example: { 'example.com': 'succeeded', 'example.org': 'running' },
  })
  domain_statuses!: Record<string, DomainStatus>;
}

export class BatchListDto {
  @ApiProperty({ type: [BatchSummaryDto] }) items!: BatchSummaryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last' })
  next_cursor!: string | null;
}

export class ScrapeErrorDto {
  @ApiProperty({ example: 'dns_not_found' }) class!: string;
  @ApiProperty() message!: string;
  @ApiProperty() retryable!: boolean;
}

export class SocialProfileDto {
  @ApiProperty() platform!: string;
  @ApiProperty() url!: string;
}

export class ExtractionDto {
  @ApiProperty({ type: [String] }) emails!: string[];
  @ApiProperty({ type: [String] }) phones!: string[];
  @ApiProperty({ type: [SocialProfileDto] }) socials!: SocialProfileDto[];
  @ApiProperty({ type: [String] }) technologies!: string[];
}

export class DomainSummaryDto {
  @ApiProperty({ example: 'example.com' }) domain!: string;
  @ApiProperty({ enum: DOMAIN_STATUSES }) status!: DomainStatus;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Attempts made so far' }) attempts!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description:
      'Times a scraper took the current attempt (redeliveries after a scraper died or was evicted included); ' +
      'past the limit the domain fails with error class poison_command',
  })
  deliveries!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) pages_scraped!: number;
  @timestamp('Start of the current or last attempt', true) started_at!: string | null;
  @timestamp('When the domain ended', true) finished_at!: string | null;
  @ApiProperty({ type: ScrapeErrorDto, nullable: true }) error!: ScrapeErrorDto | null;
  @ApiProperty({
    type: ExtractionDto,
    nullable: true,
    description:
      "What the domain's pages said about the site (e-mails, phones, social profiles, technologies); null until scraped",
  })
  extraction!: ExtractionDto | null;
}

export class DomainListDto {
  @ApiProperty({ type: [DomainSummaryDto] }) items!: DomainSummaryDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export class PageDto {
  @ApiProperty() url!: string;
  @ApiProperty() final_url!: string;
  @ApiProperty({ type: Number, nullable: true }) status_code!: number | null;
  @ApiProperty({ type: String, nullable: true }) title!: string | null;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, nullable: true }) language!: string | null;
  @ApiProperty({ type: String, nullable: true }) canonical_url!: string | null;
  @ApiProperty({ type: [String] }) h1!: string[];
  @ApiProperty({ type: [String] }) h2!: string[];
  @ApiProperty({ type: 'integer', minimum: 0 }) links_found!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) bytes!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) depth!: number;
  @timestamp('When the page was fetched') fetched_at!: string;
  @ApiProperty() duration_ms!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
}

export class DomainDetailDto extends DomainSummaryDto {
  @ApiProperty({ type: [PageDto] }) pages!: PageDto[];
}

export class RetryAcceptedDto {
  @ApiProperty({ format: 'uuid' }) batch_id!: string;
  @ApiProperty({ enum: ['retrying'] }) status!: 'retrying';
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'This round: 1 for the first retry-failed request of the batch, then 2, …',
  })
  round!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Failed domains the round tries again' }) domains!: number;
}

export class CancelAcceptedDto {
  @ApiProperty({ format: 'uuid' }) batch_id!: string;
  @ApiProperty({ enum: ['cancelling'] }) status!: 'cancelling';
}
