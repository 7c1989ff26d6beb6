import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

export class StatsQueryDto {
  @ApiPropertyOptional({
    description: 'How far back: minutes, hours or days, at most 90d',
    example: '24h',
    default: '24h',
  })
  @IsOptional()
  @IsString()
  window?: string;
}

export class BatchesByStatusDto {
  @ApiProperty() pending!: number;
  @ApiProperty() running!: number;
  @ApiProperty() complete!: number;
  @ApiProperty() partial!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
}

export class DomainTotalsDto {
  @ApiProperty() total!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
}

export class StatsSummaryDto {
  @ApiProperty({ example: '24h' }) window!: string;
  @ApiProperty({ type: BatchesByStatusDto }) batches_by_status!: BatchesByStatusDto;
  @ApiProperty({ type: DomainTotalsDto }) domains!: DomainTotalsDto;
  @ApiProperty() pages_scraped!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'succeeded / (succeeded + failed); null if neither' })
  success_rate!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean over the ended batches; null if none ended' })
  mean_processing_time_seconds!: number | null;
}
