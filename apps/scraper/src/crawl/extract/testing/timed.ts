/**
 * Wall-clock bound for one pathological input of a megabyte or so: linear code takes milliseconds,
 * quadratic backtracking or a quadratic tag stack takes seconds.
 */
export const PATHOLOGICAL_BUDGET_MS = 1500;

/** The result of `run` and how many milliseconds it took. */
export function timed<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}
