export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ready: boolean; detail: string }>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
