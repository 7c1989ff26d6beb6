import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { ApiError } from '../http/api-error';
import { ApiKeyService } from './api-key.service';

export type AuthenticatedRequest = Request & { tenant?: string };

const unauthorized = (message: string) => new ApiError(401, message, { headers: { 'WWW-Authenticate': 'Bearer' } });

/** Every /api route: `Authorization: Bearer <key>`; the key's tenant goes on the request. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) throw unauthorized('missing API key: send the header "Authorization: Bearer <key>"');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw unauthorized('malformed Authorization header: expected "Bearer <key>"');
    const key = match[1];
    const tenant = ApiKeyService.looksLikeKey(key) ? await this.keys.tenantFor(key) : null;
    if (tenant === null) throw unauthorized('unknown or revoked API key');
    request.tenant = tenant;
    return true;
  }
}

/** The caller's tenant, as established by ApiKeyGuard. */
export const Tenant = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const tenant = context.switchToHttp().getRequest<AuthenticatedRequest>().tenant;
  if (tenant === undefined) throw new Error('Tenant used on a route without ApiKeyGuard');
  return tenant;
});
