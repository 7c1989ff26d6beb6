import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiKeyGuard, Tenant } from '../../auth/api-key.guard';
import { ApiBatchIdParam } from '../../http/api-contract';
import { BatchIdPipe } from '../../http/validation';
import { ErrorDto } from '../dto/batch-responses.dto';
import { BatchTraceService } from './batch-trace.service';
import { BatchTraceDto, DEFAULT_TRACE_SPANS, MAX_TRACE_SPANS, TraceQueryDto } from './trace.dto';

/** GET /api/v1/batches/:id/trace: a batch's trace from Jaeger, readable without Jaeger's UI. */
@ApiTags('batches')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'Missing, unknown or revoked API key' })
@UseGuards(ApiKeyGuard)
@Controller('api/v1/batches')
export class BatchTraceController {
  constructor(private readonly traces: BatchTraceService) {}

  @Get(':id/trace')
  @ApiOperation({
    summary: "A batch's trace, read from Jaeger",
    description:
      "The batch's trace (its trace_id) from Jaeger's query API (JAEGER_QUERY_URL), as one flat list of spans " +
      "sorted by start: span and parent ids, service, name, kind, start (ms from the trace's first span), " +
      `duration, error and message, key attributes. At most \`limit\` spans (default ${DEFAULT_TRACE_SPANS}, at ` +
      `most ${MAX_TRACE_SPANS}), the earliest by start; truncated: true says there are more (span_count counts ` +
      'them all). jaeger_ui_url links to the trace in Jaeger’s UI when JAEGER_UI_URL is set. The batch’s trace ' +
      'holds the batch-level story (the request, the scheduler’s batch-level runs, the end); each domain attempt ' +
      'has a trace of its own, linked to it, which domain_traces_query finds on Jaeger’s query API.',
  })
  @ApiBatchIdParam()
  @ApiOkResponse({ type: BatchTraceDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'The id is not a UUID, or limit is out of range' })
  @ApiNotFoundResponse({
    type: ErrorDto,
    description: 'No such batch, or its trace is not in Jaeger (not yet, or no longer), or it was submitted untraced',
  })
  @ApiBadGatewayResponse({ type: ErrorDto, description: 'The trace is larger than the gateway reads from Jaeger' })
  @ApiServiceUnavailableResponse({
    type: ErrorDto,
    description: 'Jaeger (or Postgres) unreachable or too slow; see Retry-After',
  })
  trace(
    @Tenant() tenant: string,
    @Param('id', BatchIdPipe) id: string,
    @Query() query: TraceQueryDto,
  ): Promise<BatchTraceDto> {
    return this.traces.trace(tenant, id, query.limit ?? DEFAULT_TRACE_SPANS);
  }
}
