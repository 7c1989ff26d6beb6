import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { TRAWL_VERSION } from '@trawl/service';

/** Swagger UI at /docs and the document at /docs-json, generated from the same DTOs that validate. */
export function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Trawl')
      .setDescription(
        'Batch web scanning: submit domains, follow progress, read per-domain results. Every /api route needs ' +
          '`Authorization: Bearer <key>` (create one with `npx trawl keys create --tenant NAME`). Errors have the ' +
          'shape {statusCode, error, message, details?}.',
      )
      .setVersion(TRAWL_VERSION)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: trawl_...' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
