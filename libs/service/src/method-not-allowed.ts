import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';

/** The parts of Express 5's router (the `router` package) this reads. */
interface RouteLayer {
  route?: { _handlesMethod(method: string): boolean; _methods(): string[] };
  match(path: string): unknown;
}

/**
 * Answers 405 with an `Allow` header when the path exists but not with that method (Express
 * answers 404, as if the resource did not exist). Express gives no hook for it, so this reads its
 * route table, which is only complete once Nest has registered every route: hence at request time.
 * OPTIONS is left to Express, which already answers it with `Allow`.
 */
export function useMethodNotAllowed(app: NestExpressApplication): void {
  const express = app.getHttpAdapter().getInstance() as unknown as { router: { stack: RouteLayer[] } };
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method === 'OPTIONS') return next();
    const allowed = new Set<string>();
    for (const layer of express.router.stack) {
      if (!layer.route || !layer.match(request.path)) continue;
      if (layer.route._handlesMethod(request.method)) return next();
      for (const method of layer.route._methods()) allowed.add(method);
    }
    if (allowed.size === 0) return next();
    const allow = [...allowed].sort().join(', ');
    response
      .status(405)
      .setHeader('allow', allow)
      .json({
        statusCode: 405,
        error: 'Method Not Allowed',
        message: `${request.method} is not allowed on ${request.path}; allowed: ${allow}`,
      });
  });
}
