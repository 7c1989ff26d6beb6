import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiKeyGuard, Tenant } from '../auth/api-key.guard';
import { ErrorDto } from '../batches/dto/batch-responses.dto';
import { StatsQueryDto, StatsSummaryDto } from './stats.dto';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto })
@UseGuards(ApiKeyGuard)
@Controller('api/v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('summary')
  @ApiOperation({ summary: "Totals over the caller's batches created within the window" })
  @ApiOkResponse({ type: StatsSummaryDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  summary(@Tenant() tenant: string, @Query() query: StatsQueryDto): Promise<StatsSummaryDto> {
    return this.stats.summary(tenant, query.window);
  }
}
