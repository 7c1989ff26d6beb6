import { applyDecorators } from '@nestjs/common';
import { ApiParam, ApiResponse } from '@nestjs/swagger';
import { ErrorDto } from '../batches/dto/batch-responses.dto';

/*
 * What the OpenAPI document says a valid request is, written once and used both to document and
 * (where a regular expression is the whole rule) to validate. The patterns are in the dialect both
 * ECMAScript and Python's `re` read the same way (no flags, no Unicode property escapes), so the
 * document means the same thing to every client and test generator that reads it.
 */

/** Any RFC 9562 UUID in its 8-4-4-4-12 hex form, upper or lower case (all versions). */
export const UUID_PATTERN = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$';

/** The characters String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
const TRIMMED = '[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

const SCHEME = '[A-Za-z][A-Za-z0-9+.-]*://';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** What may follow a host: an optional trailing dot, then a port, a path, a query, a fragment or the end. */
const HOST_END = `\\.?(?:[:/?#\\\\]|${TRIMMED}*$)`;
const NUMERIC_PART = '(?:[0-9]+|0[xX][0-9A-Fa-f]*)';

/**
 * A domain entry as `normaliseDomain` accepts it (batches/domain-list.ts; api-contract.spec.ts checks
 * that the two agree): surrounding white space; an optional scheme and `//`; optional user info;
 * then a host name of at least two labels (letters, digits, inner hyphens, 1 to 63 characters each,
 * at most 253 in all), whose last label is not all digits and which is not an IPv4 address in any
 * of the forms URL parsers read (1 to 4 decimal or 0x-hex parts); an optional trailing dot; an
 * optional port; an optional path, query or fragment. Case does not matter.
 * Internationalised names (non-ASCII, converted to punycode) are accepted too but are outside this
 * pattern: no regular expression states which of them UTS #46 allows.
 * Only negative lookaheads: generators (Hypothesis, hence Schemathesis) read a positive one as text to produce.
 */
export const DOMAIN_INPUT_PATTERN =
  `^${TRIMMED}*` +
  `(?:${SCHEME}(?://)?|(?!${SCHEME})(?://)?)` +
  '(?:[^/?#\\\\]*@)?' +
  '(?![A-Za-z0-9.-]{253}[A-Za-z0-9-]|[A-Za-z0-9.-]{255})' +
  `(?!(?:${NUMERIC_PART}\\.){1,3}${NUMERIC_PART}${HOST_END})` +
  `(?:${LABEL}\\.)+(?![0-9]+${HOST_END})${LABEL}\\.?` +
  '(?::[^/?#\\\\@:]*)?' +
  `(?:[/?#\\\\][\\s\\S]*)?${TRIMMED}*$`;

/** A stats window (stats/window.ts): 1 to 6 digits and m, h or d, from one minute to 90 days. */
export const WINDOW_PATTERN =
  `^${TRIMMED}*(?:` +
  '(?:0{0,5}[1-9]|0{0,4}[1-9][0-9]|0{0,3}[1-9][0-9]{2}|0{0,2}[1-9][0-9]{3}|0?[1-9][0-9]{4}' +
  '|1[01][0-9]{4}|12[0-8][0-9]{3}|129[0-5][0-9]{2}|129600)m' +
  '|(?:0{0,5}[1-9]|0{0,4}[1-9][0-9]|0{0,3}[1-9][0-9]{2}|0{0,2}(?:1[0-9]{3}|20[0-9]{2}|21[0-5][0-9]|2160))h' +
  `|(?:0{0,5}[1-9]|0{0,4}(?:[1-8][0-9]|90))d)${TRIMMED}*$`;

/** The `{id}` of every batch route: the batch id of the 202, a UUID. */
export function ApiBatchIdParam(): MethodDecorator {
  return ApiParam({
    name: 'id',
    description: 'The batch id (batch_id of the 202)',
    schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN },
  });
}

export type ErrorStatus = 400 | 404 | 409 | 413 | 415 | 422 | 502 | 503;

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'string', pattern: '^[0-9]+$' } },
};

/** Documents each error status a route can answer, all with the API's one error body (ErrorDto). */
export function ApiErrors(descriptions: Partial<Record<ErrorStatus, string>>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(descriptions).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        type: ErrorDto,
        description,
        ...(status === '503' ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}

/** What every request with a JSON body can be refused for before its own validation. */
export const BODY_ERRORS = {
  413: 'The request body is larger than TRAWL_MAX_BODY_BYTES',
  415: 'The request body is not JSON (Content-Type application/json or application/*+json, UTF-8)',
} as const;

/** What submitting a batch can answer besides 202 (v1 and the v3 compatibility route alike). */
export const SUBMISSION_ERRORS = {
  400: 'Invalid request (details name each bad domain or field), malformed JSON or Idempotency-Key',
  409: 'A request with this Idempotency-Key is being processed; retry shortly',
  ...BODY_ERRORS,
  422: 'Idempotency-Key reused with other parameters',
  503:
    'Kafka or Postgres unavailable, or Kafka did not confirm in time (details: outcome "unknown" and the batch id); ' +
    'see Retry-After',
} as const;

export const UNAUTHORIZED = {
  type: ErrorDto,
  description: 'Missing, malformed, unknown or revoked API key',
  headers: { 'WWW-Authenticate': { required: true, schema: { type: 'string', enum: ['Bearer'] } } },
};

/** Idempotency-Key: what `BatchSubmissionService` takes (HTTP itself drops surrounding spaces and tabs). */
export const IDEMPOTENCY_KEY_MAX_CHARS = 200;
export const IDEMPOTENCY_KEY_PATTERN = '^[!-~](?:[\\t -~]*[!-~])?$';
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    `1 to ${IDEMPOTENCY_KEY_MAX_CHARS} printable ASCII characters, unique per request: repeating a request with ` +
    'the same key and parameters returns the same batch',
  schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_CHARS, pattern: IDEMPOTENCY_KEY_PATTERN },
};

/** The headers of a 202 for a submitted batch. */
export const ACCEPTED_HEADERS = {
  Location: { required: true, description: 'The status URL of the batch', schema: { type: 'string' } },
  'Idempotent-Replayed': {
    required: false,
    description: 'Present when an earlier request with the same Idempotency-Key made this batch',
    schema: { type: 'string', enum: ['true'] },
  },
};

/** Text PostgreSQL can store (http/storable-text.ts): no NUL. (Lone surrogates are not valid Unicode text at all.) */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';

/** The component that says which JSON values `metadata` may hold (added to the document by openapi.ts). */
export const STORABLE_JSON = 'StorableJson';
const storableJsonRef = { $ref: `#/components/schemas/${STORABLE_JSON}` };

export const STORABLE_JSON_SCHEMA = {
  description:
    'Any JSON value whose text, keys included, has no NUL character (U+0000) and no lone UTF-16 surrogate, ' +
    'nested at most 32 levels deep',
  anyOf: [
    { type: 'null' },
    { type: 'string', pattern: NO_NUL_PATTERN },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: storableJsonRef },
    { type: 'object', propertyNames: { pattern: NO_NUL_PATTERN }, additionalProperties: storableJsonRef },
  ],
};

/** `metadata`: a JSON object of storable values. */
export const STORABLE_OBJECT_SCHEMA = {
  type: 'object' as const,
  propertyNames: { pattern: NO_NUL_PATTERN },
  additionalProperties: storableJsonRef,
};
