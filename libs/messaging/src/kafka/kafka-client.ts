import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { type Log } from '@trawl/telemetry';

/**
 * Messages kafkajs logs loudly that are expected here: a topic another service created first
 * (handled in ensureTopics), and its warning that the idempotent producer has bounded retries
 * (bounded on purpose: a publish must fail, and be answered 503 or retried, rather than hang).
 */
const EXPECTED = [/^Response CreateTopics/, /Limiting retries for the idempotent producer/];

/** kafkajs with its logs routed into the service's structured log. */
export function createKafka(options: { brokers: string[]; clientId: string; log: Log }): Kafka {
  const { log } = options;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 10000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, label, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        const fields = { component: 'kafkajs', kafkajs_label: label, ...rest };
        if (EXPECTED.some((pattern) => pattern.test(message))) log.debug(fields, message);
        else if (level === logLevel.ERROR) log.error(fields, message);
        else if (level === logLevel.WARN) log.warn(fields, message);
        else if (level === logLevel.INFO) log.info(fields, message);
        else log.debug(fields, message);
      },
  });
}
