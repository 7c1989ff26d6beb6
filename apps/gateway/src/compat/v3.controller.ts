import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type Response } from 'express';
import { ApiKeyGuard, Tenant } from '../auth/api-key.guard';
import { BatchReadsService } from '../batches/batch-reads.service';
import { BatchSubmissionService } from '../batches/batch-submission.service';
import { SubmitBatchDto } from '../batches/dto/create-batch.dto';
import {
  ACCEPTED_HEADERS,
  ApiBatchIdParam,
  ApiErrors,
  SUBMISSION_ERRORS,
  IDEMPOTENCY_KEY_HEADER,
  UNAUTHORIZED,
} from '../http/api-contract';
import { reply } from '../http/reply';
import { BatchIdPipe } from '../http/validation';
import { V3BatchAcceptedDto, V3BatchStatusDto } from './v3.dto';
import { v3Accepted, v3Status } from './v3.view';

/** The seed's endpoints, kept for existing clients; same submission path and reads as v1. */
@ApiTags('v3 compatibility')
@ApiBearerAuth()
@ApiUnauthorizedResponse(UNAUTHORIZED)
@ApiErrors({ 503: 'Kafka or Postgres unavailable; see Retry-After' })
@UseGuards(ApiKeyGuard)
@Controller('api/v3/batch_page_scraper')
export class V3CompatController {
  constructor(
    private readonly submissions: BatchSubmissionService,
    private readonly reads: BatchReadsService,
  ) {}

  @Post('batch')
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a batch (v3 shape); metadata is {domain_count}' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiAcceptedResponse({ type: V3BatchAcceptedDto, headers: ACCEPTED_HEADERS })
  @ApiErrors(SUBMISSION_ERRORS)
  async submit(
    @Tenant() tenant: string,
    @Body() body: SubmitBatchDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<V3BatchAcceptedDto> {
    return reply(response, v3Accepted(await this.submissions.submit(tenant, body, idempotencyKey)));
  }

  @Get('batch/:id/status')
  @ApiOperation({ summary: 'Status of a batch (v3 shape)' })
  @ApiBatchIdParam()
  @ApiOkResponse({ type: V3BatchStatusDto })
  @ApiErrors({ 400: 'The id is not a UUID', 404: 'No such batch (for this API key)' })
  async status(@Tenant() tenant: string, @Param('id', BatchIdPipe) id: string): Promise<V3BatchStatusDto> {
    return v3Status(await this.reads.status(tenant, id));
  }
}
