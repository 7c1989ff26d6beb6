import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { TRAWL_VERSION } from '@trawl/service';
import { STORABLE_JSON, STORABLE_JSON_SCHEMA } from './http/api-contract';

/** Request bodies: the validation pipe refuses unknown properties (forbidNonWhitelisted), so their schemas say so. */
const CLOSED_SCHEMAS = ['CreateBatchDto', 'SubmitBatchDto', 'CancelBatchDto'];

/** Members holding values rather than schemas: never rewritten. */
const DATA_MEMBERS = new Set(['example', 'examples', 'default', 'enum', 'const']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/**
 * Open API 3.1 says `null` as JSON Schema does: Nest's 3.0 `nullable: true` becomes a `null` type
 * (or, beside a reference or a combination, a `null` alternative). Walks the whole document.
 */
function nullAsType(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullAsType);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = DATA_MEMBERS.has(key) ? value : nullAsType(value);
  if (!('nullable' in out)) return out;
  const { nullable, ...schema } = out;
  if (nullable !== true) return schema;
  const combined = ['$ref', 'allOf', 'anyOf', 'oneOf'].some((member) => member in schema);
  if (typeof schema.type === 'string' && !combined) {
    return {
      ...schema,
      type: [schema.type, 'null'],
      ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}),
    };
  }
  const { description, ...rest } = schema;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
}

/**
 * The generated document, made exact where the decorators cannot say it:
 * - Open API 3.1, whose schemas are JSON Schema: `propertyNames` (metadata keys), `contentSchema`
 *   (the JSON in each event of the event stream) and `null` are part of it, not extensions;
 * - request body schemas admit no other properties;
 * - the recursive schema of the JSON values metadata may hold;
 * - every error (4xx, 5xx) is the JSON error body, whatever the route produces when it succeeds
 *   (the event stream and the export answer their errors as JSON, before any event or row).
 */
export function exactDocument(generated: OpenAPIObject): OpenAPIObject {
  const document = nullAsType(generated) as OpenAPIObject;
  document.openapi = '3.1.0';
  const schemas = (document.components ??= {}).schemas ?? (document.components.schemas = {});
  schemas[STORABLE_JSON] = STORABLE_JSON_SCHEMA;
  for (const name of CLOSED_SCHEMAS) {
    const schema = schemas[name];
    if (schema && !('$ref' in schema)) schema.additionalProperties = false;
  }
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.get, path.post, path.put, path.patch, path.delete]) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        if (!response || Number(status) < 400 || '$ref' in response) continue;
        const json = response.content?.['application/json'] ?? Object.values(response.content ?? {})[0];
        if (json) response.content = { 'application/json': json };
      }
    }
  }
  return document;
}

/** Swagger UI at /docs and the document at /docs-json, generated from the same DTOs that validate. */
export function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Trawl')
      .setDescription(
        'Batch web scanning: submit domains, follow progress, read per-domain results. Every /api route needs ' +
          '`Authorization: Bearer <key>` (create one with `npx trawl keys create --tenant NAME`). Errors have the ' +
          'shape {statusCode, error, message, details?}, as application/json, on every route. A method a path does ' +
          'not list is answered 405 with an Allow header.',
      )
      .setVersion(TRAWL_VERSION)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: trawl_...' })
      .build(),
  );
  SwaggerModule.setup('docs', app, exactDocument(document), { jsonDocumentUrl: 'docs-json' });
}
