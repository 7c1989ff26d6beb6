/**
 * One consumer group member in its own process, for the restart part of kafka-clients.bench.ts,
 * which kills it with SIGKILL (a crash: no LeaveGroup) and starts another with the same settings.
 * Usage: node consumer-child.js CLIENT SETTINGS_JSON. Writes one JSON line per event on stdout:
 * {"type":"joined","partitions":[…]} and {"type":"message","partition":p,"value":"…"}.
 * Offsets are committed after each fetched batch. SIGTERM: leaves the group and exits.
 */
import { silenceKafkajsTimeoutWarning } from '../../libs/telemetry/src/kafkajs-warning-filter';
import { type ConsumerSettings, createConsumer, isClientName } from './clients';

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function main(): Promise<void> {
  silenceKafkajsTimeoutWarning();
  const [client, json] = process.argv.slice(2);
  if (!client || !isClientName(client) || !json) throw new Error('usage: consumer-child CLIENT SETTINGS_JSON');
  const settings = JSON.parse(json) as ConsumerSettings;
  const consumer = createConsumer(client, {
    ...settings,
    onJoin: (partitions) => emit({ type: 'joined', partitions }),
  });
  process.once('SIGTERM', () => {
    consumer.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  await consumer.run((batch) => {
    for (const message of batch)
      emit({ type: 'message', partition: message.partition, value: message.value.toString() });
    return Promise.resolve();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
