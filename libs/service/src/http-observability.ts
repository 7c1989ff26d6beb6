import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { trace } from '@opentelemetry/api';
import { type NextFunction, type Request, type Response } from 'express';
import { type Observable } from 'rxjs';
import { httpRequestDuration, type Log } from '@trawl/telemetry';

/** Probes and scrapes: neither logged nor timed (they would drown the rest). */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** The route template a request matched (e.g. /api/v1/batches/:id), or "unmatched". */
export function routeOf(request: Request): string {
  const route = request.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${request.baseUrl}${route.path}` : 'unmatched';
}

/**
 * Names the incoming HTTP span after the route it matched (`GET /api/v1/batches/:id`) and sets
 * `http.route`, as the HTTP conventions ask; the instrumentation alone knows only the raw path.
 */
@Injectable()
export class HttpRouteInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<Request>();
      const span = trace.getActiveSpan();
      const route = routeOf(request);
      span?.setAttribute('http.route', route);
      span?.updateName(`${request.method} ${route}`);
    }
    return next.handle();
  }
}

/**
 * One JSON log line per request (method, route, path, status, duration, bytes, trace and span
 * ids; never the query string, which can carry tenant data) and the request-duration histogram
 * by route and status.
 */
export function useHttpObservability(app: NestExpressApplication, log: Log): void {
  const access = log.child({ component: 'http' });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (QUIET_PATHS.has(request.path)) return next();
    const started = performance.now();
    const span = trace.getActiveSpan()?.spanContext();
    response.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeOf(request);
      httpRequestDuration.observe({ method: request.method, route, status: String(response.statusCode) }, seconds);
      access.info(
        {
          method: request.method,
          route,
          path: request.path,
          status: response.statusCode,
          duration_ms: Math.round(seconds * 10_000) / 10,
          bytes: Number(response.getHeader('content-length') ?? 0),
          ...(span ? { trace_id: span.traceId, span_id: span.spanId } : {}),
        },
        'http request',
      );
    });
    next();
  });
  app.useGlobalInterceptors(new HttpRouteInterceptor());
}
