import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { type BatchTrace, type TraceAttributeValue, type TraceSpan, type TraceSpanKind } from '@trawl/contracts';

export const DEFAULT_TRACE_SPANS = 2_000;
export const MAX_TRACE_SPANS = 10_000;

export class TraceQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_TRACE_SPANS,
    default: DEFAULT_TRACE_SPANS,
    description: 'The most spans to return (the earliest by start); beyond it the document says truncated: true',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(MAX_TRACE_SPANS, { message: `limit must be at most ${MAX_TRACE_SPANS}` })
  limit?: number;
}

/** OpenAPI's description of a TraceSpan (the compiler keeps the two alike). */
export class TraceSpanDto implements TraceSpan {
  @ApiProperty({ example: '6e0c63257de34c92' }) span_id!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The parent span (null for the root); it may be outside spans when truncated',
  })
  parent_span_id!: string | null;
  @ApiProperty({
    type: [String],
    description: 'Spans this one links to, e.g. each event that a batched apply handled (Jaeger FOLLOWS_FROM)',
  })
  links!: string[];
  @ApiProperty({ example: 'trawl-scraper' }) service!: string;
  @ApiProperty({ example: 'process trawl.domain-commands' }) name!: string;
  @ApiProperty({ enum: ['server', 'client', 'producer', 'consumer', 'internal'] }) kind!: TraceSpanKind;
  @ApiProperty({ description: "Milliseconds from the trace's first span to this span's start", example: 12.345 })
  start_offset_ms!: number;
  @ApiProperty({ example: 3.21 }) duration_ms!: number;
  @ApiProperty({ description: 'The span ended with an error' }) error!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Its status message or exception, if any' })
  error_message!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description:
      'Key attributes only: http.request.method, http.route, http.response.status_code, url.full, server.address, ' +
      'messaging.* (operation, destination, partition, offset, consumer group, message id, batch size), ' +
      'error.type and every trawl.* attribute (batch, tenant, domain, attempt, message type…)',
    example: { 'messaging.destination.name': 'trawl.domain-commands', 'trawl.domain': 'example.com' },
  })
  attributes!: Record<string, TraceAttributeValue>;
}

/** OpenAPI's description of a BatchTrace (the compiler keeps the two alike). */
export class BatchTraceDto implements BatchTrace {
  @ApiProperty({ format: 'uuid' }) batch_id!: string;
  @ApiProperty({ example: '4bf92f3577b34da6a3ce929d0e0e4736' }) trace_id!: string;
  @ApiProperty({ description: 'Spans in the whole trace (also when spans is truncated)' }) span_count!: number;
  @ApiProperty({ type: [String], example: ['trawl-aggregator', 'trawl-gateway', 'trawl-scheduler'] })
  services!: string[];
  @ApiProperty({ type: String, format: 'date-time', description: "The trace's first span's start" })
  start_time!: string;
  @ApiProperty({ description: "From the first span's start to the last span's end, milliseconds" })
  duration_ms!: number;
  @ApiProperty({ description: 'Spans with an error in the whole trace' }) error_count!: number;
  @ApiProperty({ description: 'True when spans holds only the first `limit` spans by start' }) truncated!: boolean;
  @ApiPropertyOptional({ description: 'The trace in Jaeger’s UI; only when JAEGER_UI_URL is set' })
  jaeger_ui_url?: string;
  @ApiProperty({
    description:
      "This trace is the batch's own story (request, batch-level scheduler runs, its end); each domain attempt " +
      "has a trace of its own, rooted in the scheduler's `dispatch` span and linked to this one. This search on " +
      "Jaeger's query API (relative to JAEGER_QUERY_URL) lists them; add &limit=N (Jaeger's default is 20)",
    example:
      '/api/traces?service=trawl-scheduler&operation=dispatch&tags=%7B%22trawl.batch.id%22%3A%22a1b2c3d4-0000-4000-8000-000000000000%22%7D',
  })
  domain_traces_query!: string;
  @ApiProperty({ type: [TraceSpanDto], description: 'Sorted by start' }) spans!: TraceSpanDto[];
}
