import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiKeyGuard, Tenant } from '../auth/api-key.guard';
import { ApiErrors, UNAUTHORIZED } from '../http/api-contract';
import { StatsQueryDto, StatsSummaryDto } from './stats.dto';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiBearerAuth()
@ApiUnauthorizedResponse(UNAUTHORIZED)
@UseGuards(ApiKeyGuard)
@Controller('api/v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('summary')
  @ApiOperation({ summary: "Totals over the caller's batches created within the window" })
  @ApiOkResponse({ type: StatsSummaryDto })
  @ApiErrors({ 400: 'window is not valid', 503: 'Postgres unavailable; see Retry-After' })
  summary(@Tenant() tenant: string, @Query() query: StatsQueryDto): Promise<StatsSummaryDto> {
    return this.stats.summary(tenant, query.window);
  }
}
