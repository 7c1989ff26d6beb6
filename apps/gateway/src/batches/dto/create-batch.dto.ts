import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsInt, IsObject, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { DOMAIN_INPUT_PATTERN, STORABLE_OBJECT_SCHEMA } from '../../http/api-contract';
import { findUnstorableText } from '../../http/storable-text';

export const METADATA_MAX_BYTES = 16 * 1024;
export const DEFAULT_MAX_PAGES = 10;
export const DEFAULT_MAX_CONCURRENT_JOBS = 5;

/** An explicit null is refused; only an absent property takes the default. */
const unlessAbsent = ValidateIf((_object: object, value: unknown) => value !== undefined);

function MaxJsonBytes(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxJsonBytes',
    validator: {
      validate: (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= max,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be at most ${max} bytes as JSON`,
    },
  });
}

/** Refuses text the stores cannot hold (NUL, lone surrogates), naming where it is. */
function StorableText(): PropertyDecorator {
  const problem = (value: unknown, property: string) => findUnstorableText(value, property);
  return ValidateBy({
    name: 'storableText',
    validator: {
      validate: (value: unknown, args) => problem(value, args?.property ?? 'value') === undefined,
      defaultMessage: (args) => {
        const found = problem(args?.value, args?.property ?? 'value');
        return found ? `${found.path} ${found.reason}` : 'value cannot be stored';
      },
    },
  });
}

/** The parameters the seed's v3 endpoint takes; v1 adds metadata. */
export class SubmitBatchDto {
  @ApiProperty({
    description:
      'Domains to scan. Each entry may be a bare host or a URL: scheme, user info, port, path, query, fragment and a ' +
      'trailing dot are dropped, IDNs become punycode; duplicates (after normalisation) are dropped, keeping the first. ' +
      'At most TRAWL_MAX_DOMAINS_PER_BATCH (10000 by default) unique domains. The pattern is the rule for host names ' +
      'and URLs in ASCII; internationalised names are accepted as well.',
    type: 'array',
    items: { type: 'string', pattern: DOMAIN_INPUT_PATTERN },
    minItems: 1,
    example: ['example.com', 'https://www.example.org/about'],
  })
  @IsArray({ message: 'domains must be an array of domain names' })
  @ArrayNotEmpty({ message: 'domains must not be empty' })
  domains!: unknown[];

  @ApiPropertyOptional({
    description: 'Pages to fetch per domain at most',
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 10,
  })
  @unlessAbsent
  @IsInt({ message: 'max_pages must be an integer' })
  @Min(1, { message: 'max_pages must be at least 1' })
  @Max(1000, { message: 'max_pages must be at most 1000' })
  max_pages: number = DEFAULT_MAX_PAGES;

  @ApiPropertyOptional({
    description: 'Domains of this batch scanned at once at most',
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 5,
  })
  @unlessAbsent
  @IsInt({ message: 'max_concurrent_jobs must be an integer' })
  @Min(1, { message: 'max_concurrent_jobs must be at least 1' })
  @Max(100, { message: 'max_concurrent_jobs must be at most 100' })
  max_concurrent_jobs: number = DEFAULT_MAX_CONCURRENT_JOBS;
}

export class CreateBatchDto extends SubmitBatchDto {
  @ApiPropertyOptional({
    description:
      `Free-form JSON object kept with the batch (at most ${METADATA_MAX_BYTES} bytes as JSON). ` +
      'Text the stores cannot hold is refused with a 400 naming where it is: NUL characters and lone UTF-16 ' +
      'surrogates, in keys and values, and nesting deeper than 32 levels.',
    ...STORABLE_OBJECT_SCHEMA,
    default: {},
    example: { campaign: 'spring' },
  })
  @unlessAbsent
  @IsObject({ message: 'metadata must be a JSON object' })
  @MaxJsonBytes(METADATA_MAX_BYTES)
  @StorableText()
  metadata: Record<string, unknown> = {};
}
