import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type Response } from 'express';
import { metricsRegistry } from '@trawl/telemetry';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness';

/** Liveness, readiness and Prometheus metrics; no API key needed. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get('health/live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() response: Response) {
    const results = await Promise.all(
      this.checks.map(async (check) => {
        try {
          return { name: check.name, ...(await withTimeout(check.check(), 2000)) };
        } catch (error) {
          return { name: check.name, ready: false, detail: (error as Error).message };
        }
      }),
    );
    const ready = results.every((result) => result.ready);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks: results });
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  async metrics() {
    return metricsRegistry.metrics();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
  ]);
}
