export interface ReadinessResult {
  ready: boolean;
  /** Plain words for /health/ready ("ok", "unreachable", …): never a driver's error text. */
  detail: string;
  /** The error behind a "not ready", for the log only (never in the response). */
  cause?: unknown;
}

export interface ReadinessCheck {
  name: string;
  check(): Promise<ReadinessResult>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
