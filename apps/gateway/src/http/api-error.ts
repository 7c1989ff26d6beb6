import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** The one error shape of the API. `details` only where they help (e.g. which domain and why). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown[];
}

export function errorBody(statusCode: number, message: string, details?: unknown[]): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(details ? { details } : {}) };
}

/** An expected failure, answered as it is: status, message, optional details and headers. */
export class ApiError extends HttpException {
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: { details?: unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(errorBody(status, message, options.details), status);
    this.headers = options.headers ?? {};
  }

  get body(): ErrorBody {
    return this.getResponse() as ErrorBody;
  }
}

export const RETRY_AFTER_SECONDS = '5';

/** An error lists at most this many problems, and says how many there were in all. */
export const MAX_LISTED_PROBLEMS = 100;

export const badRequest = (message: string, details?: unknown[]) =>
  new ApiError(400, message, details ? { details } : {});
export const notFound = (message: string) => new ApiError(404, message);
