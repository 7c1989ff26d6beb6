import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { WINDOW_PATTERN } from '../http/api-contract';

export class StatsQueryDto {
  @ApiPropertyOptional({
    description: 'How far back: minutes, hours or days (1 to 6 digits and m, h or d), from 1m to 90d',
    type: String,
    pattern: WINDOW_PATTERN,
    example: '24h',
    default: '24h',
  })
  @IsOptional()
  @IsString()
  window?: string;
}

export class BatchesByStatusDto {
  @ApiProperty({ type: 'integer', minimum: 0 }) pending!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) running!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) complete!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) partial!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) failed!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) cancelled!: number;
}

export class DomainTotalsDto {
  @ApiProperty({ type: 'integer', minimum: 0 }) total!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) succeeded!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) failed!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) cancelled!: number;
}

export class StatsSummaryDto {
  @ApiProperty({ example: '24h' }) window!: string;
  @ApiProperty({ type: BatchesByStatusDto }) batches_by_status!: BatchesByStatusDto;
  @ApiProperty({ type: DomainTotalsDto }) domains!: DomainTotalsDto;
  @ApiProperty({ type: 'integer', minimum: 0 }) pages_scraped!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'succeeded / (succeeded + failed); null if neither' })
  success_rate!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean over the ended batches; null if none ended' })
  mean_processing_time_seconds!: number | null;
}
