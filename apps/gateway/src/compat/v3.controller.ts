import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type Response } from 'express';
import { ApiKeyGuard, Tenant } from '../auth/api-key.guard';
import { BatchReadsService } from '../batches/batch-reads.service';
import { BatchSubmissionService } from '../batches/batch-submission.service';
import { ErrorDto } from '../batches/dto/batch-responses.dto';
import { SubmitBatchDto } from '../batches/dto/create-batch.dto';
import { reply } from '../http/reply';
import { BatchIdPipe } from '../http/validation';
import { V3BatchAcceptedDto, V3BatchStatusDto } from './v3.dto';
import { v3Accepted, v3Status } from './v3.view';

/** The seed's endpoints, kept for existing clients; same submission path and reads as v1. */
@ApiTags('v3 compatibility')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto })
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
  @ApiAcceptedResponse({ type: V3BatchAcceptedDto })
  @ApiBadRequestResponse({ type: ErrorDto })
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
  @ApiOkResponse({ type: V3BatchStatusDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async status(@Tenant() tenant: string, @Param('id', BatchIdPipe) id: string): Promise<V3BatchStatusDto> {
    return v3Status(await this.reads.status(tenant, id));
  }
}
