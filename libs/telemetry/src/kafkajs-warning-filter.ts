/**
 * kafkajs 2.2.4 schedules a negative timeout on every connect (kafkajs#1751, harmless, unfixed);
 * Node then prints a TimeoutNegativeWarning per connection. Drop only that warning.
 */
export function silenceKafkajsTimeoutWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    const options = rest[0];
    const type = typeof options === 'string' ? options : (options as { type?: string } | undefined)?.type;
    if (type === 'TimeoutNegativeWarning' || (warning instanceof Error && warning.name === 'TimeoutNegativeWarning'))
      return;
    emitWarning(warning, ...rest);
  };
}
