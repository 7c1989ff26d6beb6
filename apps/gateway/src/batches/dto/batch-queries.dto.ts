import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { BATCH_STATUSES, type BatchStatus, DOMAIN_STATUSES, type DomainStatus } from '@trawl/contracts';
import { CREATED_CURSOR_CHARS, CURSOR_MESSAGE, ORDINAL_CURSOR_CHARS } from '../../common/cursor';
import { parseTimestamp } from '../../common/timestamp';
import { EXPORT_FORMATS, type ExportFormat } from '../batch-export';

const isTimestamp = (value: unknown) => typeof value === 'string' && parseTimestamp(value) !== undefined;

/** `?limit=`: an integer page size from 1 to 500, documented with its default. */
function PageLimit(defaultSize: number): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: defaultSize }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'limit must be an integer' }),
    Min(1, { message: 'limit must be at least 1' }),
    Max(500, { message: 'limit must be at most 500' }),
  );
}

/**
 * `?cursor=`: next_cursor of the previous page, `chars` base64url characters (common/cursor.ts).
 * Empty is the same as absent (the first page), as for a client that sends `cursor=` with no value.
 */
function PageCursor(chars: number): PropertyDecorator {
  const pattern = `^(?:[A-Za-z0-9_-]{${chars}})?$`;
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      pattern,
      description: 'The next_cursor of the previous page, unchanged; absent or empty for the first page',
    }),
    Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value)),
    IsOptional(),
    IsString({ message: CURSOR_MESSAGE }),
    Matches(new RegExp(pattern), { message: CURSOR_MESSAGE }),
  );
}

export class ListDomainsQueryDto {
  @PageCursor(ORDINAL_CURSOR_CHARS)
  cursor?: string;

  @PageLimit(100)
  limit?: number;

  @ApiPropertyOptional({ enum: DOMAIN_STATUSES, description: 'Only domains with this status' })
  @IsOptional()
  @IsIn(DOMAIN_STATUSES, { message: `status must be one of ${DOMAIN_STATUSES.join(', ')}` })
  status?: DomainStatus;
}

/** `?created_after=`, `?created_before=`: an RFC 3339 date-time, or a date (midnight UTC); common/timestamp.ts. */
function QueryTime(description: string): PropertyDecorator {
  return (target: object, property: string | symbol) =>
    applyDecorators(
      ApiPropertyOptional({
        type: String,
        anyOf: [
          { type: 'string', format: 'date-time' },
          { type: 'string', format: 'date' },
        ],
        description: `${description}: an RFC 3339 date-time, or a date (midnight UTC)`,
      }),
      IsOptional(),
      ValidateBy(
        { name: 'timestamp', validator: { validate: (value: unknown) => isTimestamp(value) } },
        { message: `${String(property)} must be an ISO 8601 date-time (RFC 3339) or date` },
      ),
    )(target, property);
}

export class ListBatchesQueryDto {
  @PageCursor(CREATED_CURSOR_CHARS)
  cursor?: string;

  @PageLimit(50)
  limit?: number;

  @ApiPropertyOptional({ enum: BATCH_STATUSES, description: 'Only batches with this status' })
  @IsOptional()
  @IsIn(BATCH_STATUSES, { message: `status must be one of ${BATCH_STATUSES.join(', ')}` })
  status?: BatchStatus;

  @QueryTime('Only batches created at or after this time')
  created_after?: string;

  @QueryTime('Only batches created before this time')
  created_before?: string;
}

/** At most `max` characters as JSON Schema counts them (code points, not UTF-16 units). */
function MaxCodePoints(max: number, options: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxCodePoints',
      validator: { validate: (value: unknown) => typeof value === 'string' && [...value].length <= max },
    },
    options,
  );
}

export class CancelBatchDto {
  @ApiPropertyOptional({ description: 'Why the batch is cancelled (kept in the event log)', maxLength: 1000 })
  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @MaxCodePoints(1000, { message: 'reason must be at most 1000 characters' })
  reason?: string;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: ExportFormat;
}
