import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { isInfrastructureError, PublishError } from '@trawl/messaging';
import { LOG, type Log } from '@trawl/telemetry';
import { ApiError, errorBody, type ErrorBody, RETRY_AFTER_SECONDS } from './api-error';

interface Answer {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

function fromHttpException(exception: HttpException): Answer {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let message = exception.message;
  if (typeof response === 'string') message = response;
  else if (typeof response === 'object' && response !== null && 'message' in response) {
    const raw = response.message;
    message = Array.isArray(raw) ? raw.join('; ') : String(raw);
  }
  return { status, body: errorBody(status, message), headers: {} };
}

/**
 * Answers every failure in the API's error shape. Expected failures keep their status; a
 * dependency that is down is a 503 with Retry-After; anything else is a logged 500.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOG) private readonly log: Log) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { tenant?: string }>();
    const response = http.getResponse<Response>();
    const answer = this.answer(exception, request);
    if (response.headersSent) return;
    response.status(answer.status).set(answer.headers).json(answer.body);
  }

  private answer(exception: unknown, request: Request & { tenant?: string }): Answer {
    if (exception instanceof ApiError)
      return { status: exception.getStatus(), body: exception.body, headers: exception.headers };
    if (exception instanceof HttpException) return fromHttpException(exception);
    const context = { method: request.method, path: request.path, tenant: request.tenant };
    const retryLater = { 'Retry-After': RETRY_AFTER_SECONDS };
    if (exception instanceof PublishError) {
      this.log.warn({ ...context, err: exception }, 'event log did not confirm; answered 503');
      // A publish that did not confirm may still land: never say that nothing happened.
      return {
        status: 503,
        body: errorBody(
          503,
          'the event log (Kafka) did not confirm the request in time: it may or may not have taken effect; try again',
        ),
        headers: retryLater,
      };
    }
    if (isInfrastructureError(exception)) {
      this.log.warn({ ...context, err: exception }, 'database unavailable; answered 503');
      return {
        status: 503,
        body: errorBody(503, 'the database is unavailable; try again shortly'),
        headers: retryLater,
      };
    }
    this.log.error({ ...context, err: exception }, 'unexpected error; answered 500');
    return { status: 500, body: errorBody(500, 'internal error'), headers: {} };
  }
}
