import { type NestExpressApplication } from '@nestjs/platform-express';
import { type ErrorRequestHandler, json, type RequestHandler } from 'express';
import { type Log } from '@trawl/telemetry';
import { errorBody } from './api-error';

const JSON_TYPES = ['application/json', 'application/*+json'];

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  message?: unknown;
}

/** Parse failures of express.json as API errors: 413 too large, 400 malformed, 415 charset; never HTML. */
export function bodyErrorHandler(limitBytes: number, log: Log): ErrorRequestHandler {
  return (error: BodyParserError, _request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    let message: string;
    switch (error.type) {
      case 'entity.too.large':
        message = `request body is larger than ${limitBytes} bytes`;
        break;
      case 'entity.parse.failed':
        message = `request body is not valid JSON: ${String(error.message)}`;
        break;
      default:
        message = status === 500 ? 'internal error' : String(error.message);
    }
    if (status === 500) log.error({ err: error }, 'request body could not be read');
    response.status(status).json(errorBody(status, message));
  };
}

/** A request that has a body must say it is JSON; otherwise the body would be silently ignored. */
export const requireJsonBodies: RequestHandler = (request, response, next) => {
  const empty = request.headers['content-length'] === '0';
  if (!empty && request.is(JSON_TYPES) === false) {
    response.status(415).json(errorBody(415, 'request body must be JSON (Content-Type: application/json)'));
    return;
  }
  next();
};

/** Nest is created with bodyParser: false (see bootService); the gateway parses JSON itself, bounded. */
export function useJsonBodies(app: NestExpressApplication, limitBytes: number, log: Log): void {
  app.use(json({ limit: limitBytes, type: JSON_TYPES }));
  app.use(bodyErrorHandler(limitBytes, log));
  app.use(requireJsonBodies);
}
