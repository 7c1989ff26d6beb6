/** Polls until the assertion passes or the time is up; then rethrows its last failure. Never a bare sleep. */
export async function eventually<T>(
  assertion: () => Promise<T> | T,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
