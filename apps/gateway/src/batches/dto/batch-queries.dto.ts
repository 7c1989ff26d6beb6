import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BATCH_STATUSES, type BatchStatus, DOMAIN_STATUSES, type DomainStatus } from '@trawl/contracts';
import { EXPORT_FORMATS, type ExportFormat } from '../batch-export';

/** `?limit=`: an integer page size from 1 to 500, documented with its default. */
function PageLimit(defaultSize: number): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: 500, default: defaultSize }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'limit must be an integer' }),
    Min(1, { message: 'limit must be at least 1' }),
    Max(500, { message: 'limit must be at most 500' }),
  );
}

export class CursorQueryDto {
  @ApiPropertyOptional({ description: 'The next_cursor of the previous page, as given' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class ListDomainsQueryDto extends CursorQueryDto {
  @PageLimit(100)
  limit?: number;

  @ApiPropertyOptional({ enum: DOMAIN_STATUSES, description: 'Only domains with this status' })
  @IsOptional()
  @IsIn(DOMAIN_STATUSES, { message: `status must be one of ${DOMAIN_STATUSES.join(', ')}` })
  status?: DomainStatus;
}

export class ListBatchesQueryDto extends CursorQueryDto {
  @PageLimit(50)
  limit?: number;

  @ApiPropertyOptional({ enum: BATCH_STATUSES, description: 'Only batches with this status' })
  @IsOptional()
  @IsIn(BATCH_STATUSES, { message: `status must be one of ${BATCH_STATUSES.join(', ')}` })
  status?: BatchStatus;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only batches created at or after this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'created_after must be an ISO 8601 date-time' })
  created_after?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only batches created before this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'created_before must be an ISO 8601 date-time' })
  created_before?: string;
}

export class CancelBatchDto {
  @ApiPropertyOptional({ description: 'Why the batch is cancelled (kept in the event log)', maxLength: 1000 })
  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @MaxLength(1000, { message: 'reason must be at most 1000 characters' })
  reason?: string;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: ExportFormat;
}
