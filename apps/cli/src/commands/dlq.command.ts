import { type Kafka } from 'kafkajs';
import { MessagePublisher } from '@trawl/messaging';
import { type Log } from '@trawl/telemetry';
import { CliError, type CliOutput } from '../cli-output';
import { readWholeTopic } from '../dlq/dead-letter-topic';
import {
  type DeadLetter,
  type DeadLetterFilter,
  matches,
  readDeadLetters,
  redriveRecord,
  redrivenMarker,
} from '../dlq/dead-letters';

export interface DlqContext {
  kafka: Kafka;
  /** The dead-letter topic's full name (prefix included). */
  topic: string;
  topicPrefix: string;
  log: Log;
}

/** A dead letter for people and scripts: everything but the raw record. */
function summary(letter: DeadLetter) {
  return {
    id: letter.id,
    at: letter.at,
    state: letter.redriven ? 'redriven' : 'pending',
    type: letter.type,
    batch_id: letter.batchId,
    source:
      letter.sourceTopic === null ? null : `${letter.sourceTopic}:${letter.sourcePartition}:${letter.sourceOffset}`,
    consumer: letter.consumer,
    redrive_count: letter.redriveCount,
    reason: letter.reason,
  };
}

async function deadLetters(context: DlqContext): Promise<DeadLetter[]> {
  return readDeadLetters(await readWholeTopic(context.kafka, context.topic));
}

export async function listDeadLettersCommand(
  context: DlqContext,
  options: DeadLetterFilter & { json: boolean; limit: number },
  output: CliOutput,
): Promise<number> {
  const found = (await deadLetters(context)).filter((letter) => matches(letter, options)).slice(-options.limit);
  if (options.json) {
    output.out(JSON.stringify(found.map(summary)));
    return 0;
  }
  if (found.length === 0) {
    output.err('no dead letters');
    return 0;
  }
  output.out(['ID', 'AT', 'STATE', 'TYPE', 'BATCH', 'CONSUMER', 'REASON'].join('\t'));
  for (const letter of found) {
    const row = summary(letter);
    output.out(
      [
        row.id,
        row.at ?? '-',
        row.state,
        row.type ?? '-',
        row.batch_id ?? '-',
        row.consumer ?? '-',
        row.reason.slice(0, 120),
      ]
        .map((cell) => cell.replace(/[\t\n]/g, ' '))
        .join('\t'),
    );
  }
  return 0;
}

export async function showDeadLetterCommand(
  context: DlqContext,
  options: { id: string; json: boolean },
  output: CliOutput,
): Promise<number> {
  const letter = (await deadLetters(context)).find((candidate) => candidate.id === options.id);
  if (!letter) throw new CliError(`no dead letter ${options.id} in ${context.topic}`);
  const headers = Object.fromEntries(
    Object.entries(letter.record.headers).map(([name, value]) => [
      name,
      String(Array.isArray(value) ? value[0] : value),
    ]),
  );
  const text = letter.record.value?.toString() ?? null;
  let value: unknown = text;
  try {
    value = text === null ? null : JSON.parse(text);
  } catch {
    // not JSON: shown as text
  }
  const detail = { ...summary(letter), key: letter.record.key?.toString() ?? null, headers, value };
  output.out(options.json ? JSON.stringify(detail) : JSON.stringify(detail, null, 2));
  return 0;
}

/**
 * Puts dead letters back on their source topics, each at most once: a marker in the dead-letter
 * topic records every redrive, and letters already marked are skipped. (Consumers de-duplicate
 * by event id, so the one case a marker cannot cover, a crash between the two writes, is harmless.)
 */
export async function redriveDeadLettersCommand(
  context: DlqContext,
  options: DeadLetterFilter & { ids: string[]; all: boolean; json: boolean },
  output: CliOutput,
): Promise<number> {
  const filtered = options.type !== undefined || options.batchId !== undefined || options.since !== undefined;
  if (options.ids.length === 0 && !filtered && !options.all) {
    throw new CliError(
      'dlq redrive: name dead letters (ID ...), filter them (--type, --batch, --since), or pass --all',
    );
  }
  const letters = await deadLetters(context);
  const known = new Set(letters.map((letter) => letter.id));
  const unknown = options.ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new CliError(`no dead letter ${unknown.join(', ')} in ${context.topic}`);
  const chosen = letters.filter(
    (letter) => (options.ids.length === 0 || options.ids.includes(letter.id)) && matches(letter, options),
  );
  const publisher = new MessagePublisher(context.kafka, context.topicPrefix, context.log);
  const redriven: string[] = [];
  const skipped: string[] = [];
  try {
    for (const letter of chosen) {
      if (letter.redriven) {
        skipped.push(letter.id);
        continue;
      }
      const { topic, ...record } = redriveRecord(letter);
      await publisher.publishRaw(topic, [record]);
      await publisher.publishRaw(context.topic, [redrivenMarker(letter)]);
      redriven.push(letter.id);
    }
  } finally {
    await publisher.disconnect();
  }
  if (options.json) output.out(JSON.stringify({ redriven, skipped }));
  else {
    for (const id of redriven) output.out(`redriven ${id}`);
    if (skipped.length > 0) output.err(`skipped ${skipped.length} already redriven: ${skipped.join(', ')}`);
    if (chosen.length === 0) output.err('no dead letters matched');
  }
  return 0;
}
