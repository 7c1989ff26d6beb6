import { Controller, Get, Header, HttpCode, Inject, Res, SetMetadata } from '@nestjs/common';
import { type Response } from 'express';
import { LOG, type Log, metricsRegistry } from '@trawl/telemetry';
import { READINESS_CHECKS, type ReadinessCheck, type ReadinessResult } from './readiness';
import { describeFailure, ReadinessTimeout } from './readiness-words';

/** How long one readiness check may take before it counts as not ready. */
export const READINESS_CHECK_TIMEOUT_MS = 2000;

export interface ReadinessAnswer {
  status: 'ok' | 'unavailable';
  /** One entry per dependency; `detail` is plain words ("ok", "unreachable", …), never a driver's error text. */
  checks: { name: string; ready: boolean; detail: string }[];
}

/** What counts as a change of state for the log: readiness and the detail's words (not its numbers). */
const stateOf = (result: ReadinessResult) => `${result.ready}:${result.detail.replace(/\d+/g, '#')}`;

/**
 * The metadata @nestjs/swagger's ApiExcludeController() sets (its DECORATORS.API_EXCLUDE_CONTROLLER;
 * the spec checks they agree). Every service serves this controller, and importing the package's
 * index (it has no lighter entry point) would load lodash and js-yaml into each of them, ~6 MB of
 * RSS, for a document only the gateway builds.
 */
const SWAGGER_EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';

/** Liveness, readiness and Prometheus metrics; no API key needed; not in the gateway's OpenAPI document. */
@SetMetadata(SWAGGER_EXCLUDE_CONTROLLER, [true])
@Controller()
export class HealthController {
  /** The last state of each check, so that the log says each change once rather than on every probe. */
  private readonly lastState = new Map<string, string>();

  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(LOG) private readonly log: Log,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() response: Response) {
    const answer = await this.readiness();
    response.status(answer.status === 'ok' ? 200 : 503).json(answer);
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  async metrics() {
    return metricsRegistry.metrics();
  }

  async readiness(): Promise<ReadinessAnswer> {
    const checks = await Promise.all(
      this.checks.map(async (check) => {
        let result: ReadinessResult;
        try {
          result = await withTimeout(check.check(), READINESS_CHECK_TIMEOUT_MS);
        } catch (error) {
          result = { ready: false, detail: describeFailure(error), cause: error };
        }
        this.logChange(check.name, result);
        return { name: check.name, ready: result.ready, detail: result.detail };
      }),
    );
    return { status: checks.every((check) => check.ready) ? 'ok' : 'unavailable', checks };
  }

  private logChange(name: string, result: ReadinessResult): void {
    const state = stateOf(result);
    const previous = this.lastState.get(name);
    if (previous === state) return;
    this.lastState.set(name, state);
    if (!result.ready) {
      this.log.warn({ check: name, detail: result.detail, err: result.cause }, `readiness: ${name} not ready`);
    } else if (previous !== undefined && previous.startsWith('false:')) {
      this.log.info({ check: name, detail: result.detail }, `readiness: ${name} ready again`);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new ReadinessTimeout(ms)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
