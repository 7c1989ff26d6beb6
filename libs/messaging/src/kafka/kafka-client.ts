import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { type Log } from '@trawl/telemetry';

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
        if (level === logLevel.ERROR) log.error(fields, message);
        else if (level === logLevel.WARN) log.warn(fields, message);
        else if (level === logLevel.INFO) log.info(fields, message);
        else log.debug(fields, message);
      },
  });
}
