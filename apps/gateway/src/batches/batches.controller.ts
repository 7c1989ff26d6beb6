import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { ApiKeyGuard, Tenant } from '../auth/api-key.guard';
import { badRequest } from '../http/api-error';
import { BatchIdPipe } from '../http/validation';
import { reply } from '../http/reply';
import { v1Accepted } from './accepted.view';
import { BatchCancellationService } from './batch-cancellation.service';
import { BatchRetryService } from './batch-retry.service';
import { BatchExportService } from './batch-export';
import { BatchEventsStream } from './progress/batch-events.stream';
import { BatchReadsService } from './batch-reads.service';
import { BatchSubmissionService } from './batch-submission.service';
import { CancelBatchDto, ExportQueryDto, ListBatchesQueryDto, ListDomainsQueryDto } from './dto/batch-queries.dto';
import {
  BatchAcceptedDto,
  BatchListDto,
  BatchStatusDto,
  CancelAcceptedDto,
  RetryAcceptedDto,
  DomainDetailDto,
  DomainListDto,
  ErrorDto,
} from './dto/batch-responses.dto';
import { CreateBatchDto } from './dto/create-batch.dto';

@ApiTags('batches')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'Missing, unknown or revoked API key' })
@ApiServiceUnavailableResponse({ type: ErrorDto, description: 'Kafka or Postgres unavailable; see Retry-After' })
@UseGuards(ApiKeyGuard)
@Controller('api/v1/batches')
export class BatchesController {
  constructor(
    private readonly submissions: BatchSubmissionService,
    private readonly reads: BatchReadsService,
    private readonly cancellations: BatchCancellationService,
    private readonly retries: BatchRetryService,
    private readonly exports: BatchExportService,
    private readonly progress: BatchEventsStream,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit a batch of domains',
    description:
      'Answers 202 once the request is durably in the event log. With an Idempotency-Key, repeating the same ' +
      'request returns the same batch (header Idempotent-Replayed: true); the same key with other parameters is a 422. ' +
      'A 503 whose details say outcome "unknown" names the batch: Kafka did not confirm it in time and it may exist; ' +
      'retrying with the same Idempotency-Key resolves to that batch, never to a second one.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'At most 200 characters, unique per request' })
  @ApiAcceptedResponse({ type: BatchAcceptedDto, description: 'Accepted; Location is the status URL' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'Invalid request; details name each bad domain' })
  @ApiPayloadTooLargeResponse({ type: ErrorDto })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: 'Idempotency-Key reused with other parameters' })
  async create(
    @Tenant() tenant: string,
    @Body() body: CreateBatchDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BatchAcceptedDto> {
    return reply(response, v1Accepted(await this.submissions.submit(tenant, body, idempotencyKey)));
  }

  @Get()
  @ApiOperation({
    summary: 'List batches, newest first',
    description:
      'Reads the projection: a batch appears once the aggregator recorded it (GET /api/v1/batches/{id} answers ' +
      'pending before that). created_after is inclusive, created_before exclusive.',
  })
  @ApiOkResponse({ type: BatchListDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  list(@Tenant() tenant: string, @Query() query: ListBatchesQueryDto): Promise<BatchListDto> {
    return this.reads.list(tenant, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status of a batch', description: 'Right after a 202 this is pending, never 404.' })
  @ApiOkResponse({ type: BatchStatusDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  status(@Tenant() tenant: string, @Param('id', BatchIdPipe) id: string): Promise<BatchStatusDto> {
    return this.reads.status(tenant, id);
  }

  @Get(':id/domains')
  @ApiOperation({ summary: "A batch's domains in submission order, paginated" })
  @ApiOkResponse({ type: DomainListDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  domains(
    @Tenant() tenant: string,
    @Param('id', BatchIdPipe) id: string,
    @Query() query: ListDomainsQueryDto,
  ): Promise<DomainListDto> {
    return this.reads.listDomains(tenant, id, query);
  }

  @Get(':id/domains/:domain')
  @ApiOperation({ summary: 'One domain of a batch: status, error, extraction and pages' })
  @ApiOkResponse({ type: DomainDetailDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  domain(
    @Tenant() tenant: string,
    @Param('id', BatchIdPipe) id: string,
    @Param('domain') domain: string,
  ): Promise<DomainDetailDto> {
    return this.reads.domain(tenant, id, domain);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: "A batch's progress as Server-Sent Events, until it ends",
    description:
      'Events: `domain` {domain, status, attempts, error_class} for every domain at the start and then at each ' +
      'change; `progress` {status, total_domains, completed_domains, failed_domains, cancelled_domains, progress}; ' +
      "`end` {status} when the batch has ended, after which the stream closes. Ids are the batch's change " +
      'sequence: reconnecting with Last-Event-ID resumes after that change (EventSource does it by itself).',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last event received' })
  @ApiOkResponse({ description: 'The event stream', schema: { type: 'string' } })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'Last-Event-ID is not an event id of this stream' })
  @ApiNotFoundResponse({ type: ErrorDto })
  async events(
    @Tenant() tenant: string,
    @Param('id', BatchIdPipe) id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (lastEventId !== undefined && !/^\d{1,18}$/.test(lastEventId)) {
      throw badRequest('Last-Event-ID must be the id of an event of this stream (a whole number)');
    }
    await this.progress.stream(tenant, id, lastEventId === undefined ? -1n : BigInt(lastEventId), request, response);
  }

  @Get(':id/export')
  @ApiOperation({
    summary: "A batch's domains as CSV or JSON Lines, streamed",
    description:
      'One row per domain in submission order (CSV with a header row; JSON Lines one object per line): domain, ' +
      'status, attempts, deliveries, pages, error_class, error_message, title and description of the start page, ' +
      'emails, phones, socials (profile URLs), technologies. In CSV, lists are joined by "; " and cells that a ' +
      'spreadsheet would read as a formula are prefixed with an apostrophe. Sent as an attachment.',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({ description: 'The export, streamed', schema: { type: 'string' } })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'format is not csv or jsonl, or the id is not a UUID' })
  @ApiNotFoundResponse({ type: ErrorDto })
  async export(
    @Tenant() tenant: string,
    @Param('id', BatchIdPipe) id: string,
    @Query() query: ExportQueryDto,
    @Res() response: Response,
  ): Promise<void> {
    await this.exports.export(tenant, id, query.format ?? 'csv', response);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a batch', description: 'No new domain starts; running ones finish.' })
  @ApiAcceptedResponse({ type: CancelAcceptedDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The batch already ended' })
  cancel(
    @Tenant() tenant: string,
    @Param('id', BatchIdPipe) id: string,
    @Body() body: CancelBatchDto,
  ): Promise<CancelAcceptedDto> {
    return this.cancellations.cancel(tenant, id, body.reason);
  }

  @Post(':id/retry-failed')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retry the failed domains of an ended batch',
    description:
      'A new round of attempts (max_attempts again) for every failed domain, under the batch’s max_concurrent_jobs. ' +
      'The batch runs again until they end; its status document counts retry_rounds. Repeating the request ' +
      'before the round shows in the status is the same round.',
  })
  @ApiAcceptedResponse({ type: RetryAcceptedDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({
    type: ErrorDto,
    description: 'The batch has not ended, was cancelled, has no failed domains, or ended longer ago than retention',
  })
  retryFailed(@Tenant() tenant: string, @Param('id', BatchIdPipe) id: string): Promise<RetryAcceptedDto> {
    return this.retries.retryFailed(tenant, id);
  }
}
