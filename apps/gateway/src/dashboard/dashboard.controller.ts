import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type Response } from 'express';
import { ApiError } from '../http/api-error';
import { type DashboardFile, DashboardFiles } from './dashboard-files';

/** Scripts, styles and API calls only from the gateway itself; no framing. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The web dashboard (apps/dashboard, built into dist/dashboard): `/` is its page, `/assets/<file>` its
 * content-hashed files (cached for a year; the page itself is revalidated each time). Not part of the API,
 * so not in the OpenAPI document. Without a build, `/` says how to make one.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly files = DashboardFiles.load();

  @Get()
  index(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() response: Response): void {
    const index = this.files.index;
    if (!index) {
      throw new ApiError(
        503,
        'The dashboard is not built: run `npm run build` (it bundles apps/dashboard into dist/dashboard)',
      );
    }
    response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    response.setHeader('x-frame-options', 'DENY');
    response.setHeader('referrer-policy', 'no-referrer');
    send(response, index, 'no-cache', ifNoneMatch);
  }

  @Get('assets/:file')
  asset(
    @Param('file') name: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: Response,
  ): void {
    const file = this.files.asset(name);
    if (!file) throw new ApiError(404, `no dashboard asset ${name.slice(0, 100)}`);
    send(response, file, 'public, max-age=31536000, immutable', ifNoneMatch);
  }
}

function send(response: Response, file: DashboardFile, cacheControl: string, ifNoneMatch: string | undefined): void {
  response.setHeader('content-type', file.contentType);
  response.setHeader('cache-control', cacheControl);
  response.setHeader('etag', file.etag);
  response.setHeader('x-content-type-options', 'nosniff');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(file.etag)) {
    response.status(304).end();
    return;
  }
  response.setHeader('content-length', String(file.body.length));
  response.status(200).end(file.body);
}
