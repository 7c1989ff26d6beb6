import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { ApiKeyGuard, Tenant } from '../auth/api-key.guard';
import { badRequest } from '../http/api-error';
import {
  ACCEPTED_HEADERS,
  ApiBatchIdParam,
  ApiErrors,
  BODY_ERRORS,
  SUBMISSION_ERRORS,
  DOMAIN_INPUT_PATTERN,
  IDEMPOTENCY_KEY_HEADER,
  UNAUTHORIZED,
} from '../http/api-contract';
import { BatchIdPipe } from '../http/validation';
import { reply } from '../http/reply';
import { v1Accepted } from './accepted.view';
import { BatchCancellationService } from './batch-cancellation.service';
import { BatchRetryService } from './batch-retry.service';
import { BatchExportService } from './batch-export';
import { BATCH_EVENT_SCHEMA, LAST_EVENT_ID_PATTERN } from './progress/batch-events.schema';
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
} from './dto/batch-responses.dto';
import { CreateBatchDto } from './dto/create-batch.dto';

const ID_NOT_UUID = 'The id is not a UUID';
const NO_SUCH_BATCH = 'No such batch (for this API key)';

@ApiTags('batches')
@ApiBearerAuth()
@ApiUnauthorizedResponse(UNAUTHORIZED)
@ApiErrors({ 503: 'Kafka or Postgres unavailable; see Retry-After' })
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
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiAcceptedResponse({
    type: BatchAcceptedDto,
    description: 'Accepted; Location is the status URL',
    headers: ACCEPTED_HEADERS,
  })
  @ApiErrors(SUBMISSION_ERRORS)
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
  @ApiErrors({ 400: 'A query parameter is not valid (each is named in details)' })
  list(@Tenant() tenant: string, @Query() query: ListBatchesQueryDto): Promise<BatchListDto> {
    return this.reads.list(tenant, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status of a batch', description: 'Right after a 202 this is pending, never 404.' })
  @ApiBatchIdParam()
  @ApiOkResponse({ type: BatchStatusDto })
  @ApiErrors({ 400: ID_NOT_UUID, 404: NO_SUCH_BATCH })
  status(@Tenant() tenant: string, @Param('id', BatchIdPipe) id: string): Promise<BatchStatusDto> {
    return this.reads.status(tenant, id);
  }

  @Get(':id/domains')
  @ApiOperation({ summary: "A batch's domains in submission order, paginated" })
  @ApiBatchIdParam()
  @ApiOkResponse({
    type: DomainListDto,
    links: {
      FirstDomain: {
        operationId: 'BatchesController_domain',
        description: 'The first domain of the page, in detail',
        parameters: { id: '$request.path.id', domain: '$response.body#/items/0/domain' },
      },
    },
  })
  @ApiErrors({ 400: 'The id is not a UUID, or a query parameter is not valid', 404: NO_SUCH_BATCH })
  domains(
    @Tenant() tenant: string,
    @Param('id', BatchIdPipe) id: string,
    @Query() query: ListDomainsQueryDto,
  ): Promise<DomainListDto> {
    return this.reads.listDomains(tenant, id, query);
  }

  @Get(':id/domains/:domain')
  @ApiOperation({ summary: 'One domain of a batch: status, error, extraction and pages' })
  @ApiBatchIdParam()
  @ApiParam({
    name: 'domain',
    description:
      'The domain as it is in the batch, or any form that normalises to it (as in POST /api/v1/batches: ' +
      'upper case, a URL, a trailing dot…)',
    schema: { type: 'string', pattern: DOMAIN_INPUT_PATTERN },
  })
  @ApiOkResponse({ type: DomainDetailDto })
  @ApiErrors({
    400: 'The id is not a UUID, or the domain is not a domain name',
    404: 'No such batch, or the domain is not in it',
  })
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
  @ApiBatchIdParam()
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last event received',
    schema: { type: 'string', pattern: LAST_EVENT_ID_PATTERN },
  })
  @ApiOkResponse({ description: 'The event stream; each event as described', schema: BATCH_EVENT_SCHEMA })
  @ApiErrors({ 400: 'The id is not a UUID, or Last-Event-ID is not an event id', 404: NO_SUCH_BATCH })
  async events(
    @Tenant() tenant: string,
    @Param('id', BatchIdPipe) id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (lastEventId !== undefined && !new RegExp(LAST_EVENT_ID_PATTERN).test(lastEventId)) {
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
  @ApiBatchIdParam()
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    description: 'The export, streamed',
    schema: { type: 'string' },
    headers: {
      'Content-Disposition': {
        required: true,
        description: 'attachment; filename="trawl-batch-<id>.<format>"',
        schema: { type: 'string' },
      },
    },
  })
  @ApiErrors({ 400: 'format is not csv or jsonl, or the id is not a UUID', 404: NO_SUCH_BATCH })
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
  @ApiBatchIdParam()
  @ApiBody({ type: CancelBatchDto, required: false })
  @ApiAcceptedResponse({ type: CancelAcceptedDto })
  @ApiErrors({
    400: 'The id is not a UUID, or the body is not valid',
    404: NO_SUCH_BATCH,
    409: 'The batch already ended',
    ...BODY_ERRORS,
  })
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
  @ApiBatchIdParam()
  @ApiAcceptedResponse({ type: RetryAcceptedDto })
  @ApiErrors({
    400: ID_NOT_UUID,
    404: NO_SUCH_BATCH,
    409: 'The batch has not ended, was cancelled, has no failed domains, or ended longer ago than retention',
  })
  retryFailed(@Tenant() tenant: string, @Param('id', BatchIdPipe) id: string): Promise<RetryAcceptedDto> {
    return this.retries.retryFailed(tenant, id);
  }
}
