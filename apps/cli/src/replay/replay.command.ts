import { type Kafka } from 'kafkajs';
import { type DataSource } from 'typeorm';
import { topicName } from '@trawl/contracts';
import { AGGREGATOR_CONSUMER, projectEvents } from '@trawl/projection';
import { type ReplayCommand } from '../cli-args';
import { CliError, type CliOutput } from '../cli-output';
import { logBounds, type Offsets, readLog } from './log-reader';
import { type Comparison, compareProjections, createReplaySchema, dropSchema, inSchema, swapIn } from './replay-schema';

export interface ReplayContext {
  dataSource: DataSource;
  kafka: Kafka;
  topicPrefix: string;
  /** Now, as a compact UTC stamp for schema names (injected for tests). */
  stamp?: string;
}

/** Events applied per transaction while replaying. */
const CHUNK = 2_000;

function stampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14);
}

const total = (offsets: { start: Offsets; end: Offsets }) =>
  [...offsets.end].reduce((sum, [partition, end]) => sum + end - (offsets.start.get(partition) ?? 0), 0);

/** A progress line on a terminal (stderr), redrawn in place; nothing when stderr is not a terminal. */
function progressBar(output: CliOutput, of: number, started: number): (done: number) => void {
  let last = 0;
  return (done) => {
    if (!output.progress || Date.now() - last < 200) return;
    last = Date.now();
    const share = of === 0 ? 1 : Math.min(1, done / of);
    const width = 30;
    const filled = Math.round(share * width);
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
    output.progress(
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ` +
        `${done.toLocaleString('en')}/${of.toLocaleString('en')} messages, ${Math.round(rate).toLocaleString('en')}/s`,
    );
  };
}

/** Refuses a swap while an aggregator runs: it would keep writing to the tables being replaced. */
async function requireNoAggregators(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0) {
      throw new CliError(
        `--swap needs the aggregators stopped: group ${groupId} has ${members} member(s). ` +
          'Stop them, run the replay again with --swap, then start them.',
      );
    }
  } finally {
    await admin.disconnect();
  }
}

function describe(comparison: Comparison): string[] {
  const { batches, domains, pages, listed } = comparison;
  const lines = [
    `batches: ${batches.live} live, ${batches.replayed} replayed, ${batches.differing} differ; ` +
      `domains: ${domains.differing} differ; pages: ${pages.differing} differ`,
  ];
  for (const difference of listed) {
    const where = difference.domain ? `${difference.batch_id} ${difference.domain}` : difference.batch_id;
    const columns = difference.columns?.length ? ` (${difference.columns.join(', ')})` : '';
    lines.push(`  ${difference.table} ${where}: ${difference.kind.replace('_', ' ')}${columns}`);
  }
  return lines;
}

const differs = (comparison: Comparison) =>
  comparison.batches.differing + comparison.domains.differing + comparison.pages.differing > 0;

/**
 * `trawl replay`: rebuilds the projection (batches, batch_domains, pages) from the earliest
 * offsets of batch-events into a fresh schema with the aggregator's own fold, compares it with
 * the live tables and, with --swap, makes it the live projection in one transaction.
 */
export async function replayCommand(
  context: ReplayContext,
  command: ReplayCommand,
  output: CliOutput,
): Promise<number> {
  const { dataSource, kafka, topicPrefix } = context;
  const topic = topicName(topicPrefix, 'batchEvents');
  const stamp = context.stamp ?? stampOf(new Date());
  const schema = `trawl_replay_${stamp}`;
  const aggregatorGroup = `${topicPrefix}aggregator`;
  if (command.swap) await requireNoAggregators(kafka, aggregatorGroup);

  const started = Date.now();
  const bounds = await logBounds(kafka, topic);
  await createReplaySchema(dataSource, schema);
  let swapped = false;
  try {
    const show = progressBar(output, total(bounds), started);
    let seen = 0;
    const project = async (events: Parameters<typeof projectEvents>[2]) => {
      await inSchema(dataSource, schema, (em) => projectEvents(em, AGGREGATOR_CONSUMER, events));
      seen += events.length;
      show(seen);
    };
    const read = await readLog({
      kafka,
      topic,
      groupPrefix: topicPrefix,
      until: bounds.end,
      chunk: CHUNK,
      onEvents: project,
    });
    if (command.swap) {
      // Whatever reached the log since: the aggregators are stopped, so this is everything.
      await requireNoAggregators(kafka, aggregatorGroup);
      const latest = await logBounds(kafka, topic);
      const more = await readLog({
        kafka,
        topic,
        groupPrefix: topicPrefix,
        from: bounds.end,
        until: latest.end,
        chunk: CHUNK,
        onEvents: project,
      });
      read.events += more.events;
      read.skipped += more.skipped;
    }
    output.progress?.('');
    const seconds = (Date.now() - started) / 1000;
    const comparison = await compareProjections(dataSource, schema, command.limit);
    if (command.swap) {
      await swapIn(dataSource, schema, `trawl_before_replay_${stamp}`, AGGREGATOR_CONSUMER);
      swapped = true;
    }
    const summary = {
      schema: command.keep ? schema : null,
      events: read.events,
      skipped: read.skipped,
      seconds: Number(seconds.toFixed(1)),
      events_per_second: Math.round(read.events / Math.max(0.001, seconds)),
      identical: !differs(comparison),
      ...comparison,
      swapped,
      backup_schema: swapped ? `trawl_before_replay_${stamp}` : null,
    };
    if (command.json) output.out(JSON.stringify(summary));
    else {
      output.out(
        `replayed ${read.events.toLocaleString('en')} events in ${seconds.toFixed(1)} s ` +
          `(${summary.events_per_second.toLocaleString('en')}/s)` +
          (read.skipped ? `; ${read.skipped} messages skipped (not batch events)` : ''),
      );
      for (const line of describe(comparison)) output.out(line);
      if (swapped) output.out(`swapped in: the previous tables are in schema ${summary.backup_schema}`);
      else if (command.keep) output.out(`the rebuilt projection is in schema ${schema}`);
    }
    return swapped || !differs(comparison) ? 0 : 1;
  } finally {
    if (!swapped && !command.keep) await dropSchema(dataSource, schema);
  }
}
