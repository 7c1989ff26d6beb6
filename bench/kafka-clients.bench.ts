/**
 * kafkajs against @platformatic/kafka on the local broker, in one run, with the guarantees Trawl
 * relies on: idempotent producer with acks=all, commit only after the work, heartbeats during long
 * handlers, per-key order. For each client, on its own fresh topics (a unique prefix, deleted at the end):
 * 1. produce: N keyed records of ~1 KB in send calls of --per-send records, --in-flight calls at once;
 * 2. consume: a new group reads them from the earliest offset, committing after each fetched batch;
 *    every record is checked: none missing, none twice, each key in order, committed offsets at the end;
 * 3. restart: a consumer in a child process (session timeout --session-timeout) is killed with
 *    SIGKILL and a new process joins the same group (with @platformatic/kafka: the same group instance
 *    id, static membership); then that one is stopped with SIGTERM and another started. Measured: the
 *    time from each spawn until the process has received a newly produced record on every partition.
 *    kafkajs has no static membership: expect about the session timeout after the kill there;
 * 4. long handler: a 12 s handler with a 6 s session timeout must not cost the member its partitions.
 * Usage: npm run bench -- kafka-clients [--messages 100000 --keys 2000 --value-bytes 1024
 *   --per-send 100 --in-flight 4 --partitions 6 --session-timeout 30000 --clients kafkajs,platformatic
 *   --restart 1 --long-handler 1]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import { silenceKafkajsTimeoutWarning } from '../libs/telemetry/src/kafkajs-warning-filter';
import { stackEnv, uniqueName } from '../test/support/stack-env';
import {
  CLIENT_LABEL,
  CLIENTS,
  type ClientName,
  type ConsumerSettings,
  createConsumer,
  createProducer,
  isClientName,
  packageVersion,
  type ProduceRecord,
  type Received,
} from './kafka-clients/clients';
import { integerFlag, textFlag } from './flags';

const options = {
  messages: integerFlag('messages', 100_000),
  keys: integerFlag('keys', 2_000),
  valueBytes: integerFlag('value-bytes', 1024),
  perSend: integerFlag('per-send', 100),
  inFlight: integerFlag('in-flight', 4),
  partitions: integerFlag('partitions', 6),
  sessionTimeoutMs: integerFlag('session-timeout', 30_000),
  restart: integerFlag('restart', 1) > 0,
  longHandler: integerFlag('long-handler', 1) > 0,
  clients: textFlag('clients', CLIENTS.join(','))
    .split(',')
    .map((name) => name.trim()),
};
for (const name of options.clients) if (!isClientName(name)) throw new Error(`--clients: unknown client ${name}`);
const clients = options.clients as ClientName[];

const REBALANCE_TIMEOUT_MS = 60_000; // libs/messaging's
const HEARTBEAT_INTERVAL_MS = 3_000; // libs/messaging's
const MAX_WAIT_MS = 500;
const HEADERS = { 'trawl-type': 'bench.record', 'trawl-version': '1' };

const brokers = stackEnv().KAFKA_BROKERS.split(',');
const prefix = `${uniqueName('trawl_bench_kc')}.`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

/** `promise`, or a rejection naming `what` after `ms`; never leaves a timer behind. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Seeded PRNG (mulberry32): the same keys and filler every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keyName = (index: number) => `key-${String(index).padStart(5, '0')}`;

/**
 * The records both clients send, built once: a random key of --keys, and a value of exactly
 * --value-bytes that starts with "index:key:sequence-of-that-key:" (for the checks), then filler.
 */
function buildRecords(): ProduceRecord[] {
  const random = prng(20261201);
  const filler = Buffer.alloc(options.valueBytes);
  for (let i = 0; i < filler.length; i += 1) filler[i] = 0x21 + Math.floor(random() * 94);
  const sequences = new Array<number>(options.keys).fill(0);
  const keyBuffers = Array.from({ length: options.keys }, (_, index) => Buffer.from(keyName(index)));
  const records: ProduceRecord[] = [];
  for (let index = 0; index < options.messages; index += 1) {
    const key = Math.floor(random() * options.keys);
    const value = Buffer.from(filler);
    value.write(`${index}:${key}:${sequences[key]!++}:`, 0, 'latin1');
    records.push({ key: keyBuffers[key]!, value, headers: HEADERS });
  }
  return records;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface ProduceResult {
  seconds: number;
  sendP50Ms: number;
  sendP99Ms: number;
}

async function produce(client: ClientName, topic: string, records: ProduceRecord[]): Promise<ProduceResult> {
  const producer = await createProducer(client, brokers, `${prefix}producer.${client}`);
  try {
    // Warm-up, untimed: connections, metadata, producer id.
    await producer.send(`${prefix}warmup`, [records[0]!]);
    const latencies: number[] = [];
    let next = 0;
    const started = now();
    // --in-flight send calls at once, each of --per-send records, taken in order.
    const lane = async () => {
      while (next < records.length) {
        const slice = records.slice(next, next + options.perSend);
        next += slice.length;
        const sent = now();
        await producer.send(topic, slice);
        latencies.push(now() - sent);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.inFlight) }, lane));
    const seconds = (now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { seconds, sendP50Ms: percentile(latencies, 50), sendP99Ms: percentile(latencies, 99) };
  } finally {
    await producer.close();
  }
}

interface ConsumeResult {
  joinMs: number;
  startToFirstMs: number;
  seconds: number;
  received: number;
  missing: number;
  duplicates: number;
  /** Keys whose records did not arrive in the order they were sent, and a few examples. */
  keysOutOfOrder: number;
  orderExamples: string[];
  keysOnTwoPartitions: number;
  mismatched: number;
  committedToEnd: boolean;
  commitLagMs: number;
  partitionOfKey: Map<number, number>;
}

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
}

async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

async function consume(client: ClientName, admin: Admin, topic: string): Promise<ConsumeResult> {
  const groupId = `${prefix}consume.${client}`;
  const ends = await endOffsets(admin, topic);
  const seen = new Uint8Array(options.messages);
  const nextSequence = new Array<number>(options.keys).fill(0);
  const partitionOfKey = new Map<number, number>();
  let received = 0;
  let unique = 0;
  let duplicates = 0;
  const outOfOrderKeys = new Set<number>();
  const examples: string[] = [];
  let keysOnTwoPartitions = 0;
  let mismatched = 0;
  let firstAt = 0;
  let lastAt = 0;
  let joinedAt = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const check = (message: Received) => {
    received += 1;
    const [index, key, sequence] = message.value.toString('latin1', 0, 40).split(':', 3).map(Number) as [
      number,
      number,
      number,
    ];
    if (message.key?.toString() !== keyName(key) || message.headers['trawl-type'] !== HEADERS['trawl-type']) {
      mismatched += 1; // key or headers do not match what was sent with this value
    }
    if (seen[index]) {
      duplicates += 1; // delivered again (at least once): not an order question
    } else {
      seen[index] = 1;
      unique += 1;
      // Each key's records must arrive in the order they were sent: 0, 1, 2, ...
      if (sequence !== nextSequence[key]) {
        outOfOrderKeys.add(key);
        if (examples.length < 4) {
          examples.push(
            `record ${index} (${keyName(key)} #${sequence}) arrived when #${nextSequence[key]} was due (partition ${message.partition}, offset ${message.offset})`,
          );
        }
      }
      nextSequence[key] = Math.max(nextSequence[key]!, sequence + 1);
    }
    const partition = partitionOfKey.get(key);
    if (partition === undefined) partitionOfKey.set(key, message.partition);
    else if (partition !== message.partition) keysOnTwoPartitions += 1;
  };

  const settings: ConsumerSettings = {
    brokers,
    clientId: `${prefix}consumer.${client}`,
    groupId,
    topic,
    sessionTimeoutMs: options.sessionTimeoutMs,
    rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    maxWaitMs: MAX_WAIT_MS,
    onJoin: () => (joinedAt ||= now()),
  };
  const consumer = createConsumer(client, settings);
  const started = now();
  const running = consumer
    .run((batch) => {
      firstAt ||= now();
      for (const message of batch) check(message);
      if (unique >= options.messages && !lastAt) {
        lastAt = now();
        resolveDone();
      }
      return Promise.resolve();
    })
    .catch((error: unknown) => {
      process.stderr.write(`${CLIENT_LABEL[client]} consumer failed: ${(error as Error).stack ?? String(error)}\n`);
    });
  const timeout = setTimeout(resolveDone, 120_000 + (options.messages / 1000) * 1000);
  await done;
  clearTimeout(timeout);
  if (!lastAt) process.stderr.write(`${CLIENT_LABEL[client]}: timed out with ${unique} of ${options.messages}\n`);
  // Offsets are committed after each batch's work: wait until the group's offsets reach the end.
  let committedToEnd = false;
  let commitLagMs = NaN;
  const commitDeadline = now() + 10_000;
  while (lastAt && now() < commitDeadline) {
    const committed = await committedOffsets(admin, groupId, topic);
    if ([...ends].every(([partition, end]) => committed.get(partition) === end)) {
      committedToEnd = true;
      commitLagMs = now() - lastAt;
      break;
    }
    await sleep(20);
  }
  await sleep(500); // anything delivered twice after the end shows up in the counts
  await consumer.close();
  await running;
  return {
    joinMs: joinedAt ? joinedAt - started : NaN,
    startToFirstMs: firstAt ? firstAt - started : NaN,
    seconds: lastAt ? (lastAt - started) / 1000 : NaN,
    received,
    missing: options.messages - unique,
    duplicates,
    keysOutOfOrder: outOfOrderKeys.size,
    orderExamples: examples,
    keysOnTwoPartitions,
    mismatched,
    committedToEnd,
    commitLagMs,
    partitionOfKey,
  };
}

// ---------------------------------------------------------------------------------------------
// Restart: kill -9 a consumer process, start another with the same group (and instance id).

interface ChildHandle {
  process: ChildProcess;
  joined: Promise<number[]>;
  joinedAt: () => number;
  /** Wall-clock time (Date.now()) a probe sent at or after `since` was first seen, per partition. */
  firstProbeAfter: (since: number) => Map<number, number>;
  exited: Promise<void>;
}

function spawnChild(client: ClientName, settings: Omit<ConsumerSettings, 'onJoin'>): ChildHandle {
  const script = path.join(__dirname, 'kafka-clients', 'consumer-child.js');
  const child = spawn(process.execPath, [script, client, JSON.stringify(settings)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let joinedAt = 0;
  let resolveJoined!: (partitions: number[]) => void;
  const joined = new Promise<number[]>((resolve) => (resolveJoined = resolve));
  const probes: Array<{ partition: number; sentAt: number; seenAt: number }> = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const seenAt = Date.now();
    let event: { type?: string; partitions?: number[]; partition?: number; value?: string };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    if (event.type === 'joined') {
      joinedAt ||= seenAt;
      resolveJoined(event.partitions ?? []);
    } else if (event.type === 'message' && event.value?.startsWith('probe:')) {
      probes.push({ partition: event.partition!, sentAt: Number(event.value.slice(6)), seenAt });
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    joined,
    joinedAt: () => joinedAt,
    firstProbeAfter(since) {
      const first = new Map<number, number>();
      for (const probe of probes) {
        if (probe.sentAt >= since && !first.has(probe.partition)) first.set(probe.partition, probe.seenAt);
      }
      return first;
    },
    exited,
  };
}

/** Sends one probe to every partition every 100 ms until the child saw a new one on each. */
async function probeUntilAllPartitions(
  producer: Producer,
  topic: string,
  child: ChildHandle,
  since: number,
  timeoutMs: number,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const sentAt = Date.now();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: options.partitions }, (_, partition) => ({
        partition,
        value: `probe:${sentAt}`,
      })),
    });
    const first = child.firstProbeAfter(since);
    if (first.size === options.partitions) return Math.max(...first.values());
    if (child.process.exitCode !== null) throw new Error(`consumer child exited with ${child.process.exitCode}`);
    await sleep(100);
  }
  return undefined;
}

async function stopChild(child: ChildHandle): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  await within(child.exited, 15_000, 'consumer child stopping').catch(async () => {
    child.process.kill('SIGKILL');
    await child.exited;
  });
}

interface RestartResult {
  firstJoinMs: number;
  crashJoinMs: number;
  crashAllPartitionsMs: number;
  gracefulAllPartitionsMs: number;
}

/**
 * One consumer process joins and consumes on every partition; it is killed with SIGKILL and a new
 * one started at once (the crash case); that one is then stopped with SIGTERM (it leaves the group
 * as its client does on close) and another started (the deploy case). Times are from each spawn
 * until that process has received a record produced after its spawn on every partition.
 */
async function restart(client: ClientName, probeProducer: Producer, topic: string): Promise<RestartResult> {
  const settings: Omit<ConsumerSettings, 'onJoin'> = {
    brokers,
    clientId: `${prefix}restart.${client}`,
    groupId: `${prefix}restart.${client}`,
    topic,
    // One stable id per process slot (in production: the host or pod name plus a slot number).
    ...(client === 'platformatic' ? { groupInstanceId: `${prefix}restart.${client}.instance-0` } : {}),
    sessionTimeoutMs: options.sessionTimeoutMs,
    rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    maxWaitMs: MAX_WAIT_MS,
  };
  const waitMs = options.sessionTimeoutMs + REBALANCE_TIMEOUT_MS + 30_000;
  const children: ChildHandle[] = [];
  const start = () => {
    const child = spawnChild(client, settings);
    children.push(child);
    return child;
  };
  try {
    const firstSpawned = Date.now();
    const first = start();
    await within(first.joined, 60_000, 'first consumer process joining');
    const firstJoinMs = first.joinedAt() - firstSpawned;
    if ((await probeUntilAllPartitions(probeProducer, topic, first, firstSpawned, 60_000)) === undefined) {
      throw new Error('the first consumer process did not consume from every partition');
    }
    // Killed one heartbeat interval after its last commit; kafkajs's wait below is the session
    // timeout less the time since the dead member's last heartbeat (0 to one interval).
    await sleep(HEARTBEAT_INTERVAL_MS);
    first.process.kill('SIGKILL');
    await first.exited;

    const crashSpawned = Date.now();
    const second = start();
    const crashAll = await probeUntilAllPartitions(probeProducer, topic, second, crashSpawned, waitMs);
    const crashJoinMs = second.joinedAt() ? second.joinedAt() - crashSpawned : NaN;

    await stopChild(second);
    const gracefulSpawned = Date.now();
    const third = start();
    const gracefulAll = await probeUntilAllPartitions(probeProducer, topic, third, gracefulSpawned, waitMs);
    return {
      firstJoinMs,
      crashJoinMs,
      crashAllPartitionsMs: crashAll === undefined ? NaN : crashAll - crashSpawned,
      gracefulAllPartitionsMs: gracefulAll === undefined ? NaN : gracefulAll - gracefulSpawned,
    };
  } finally {
    for (const child of children) await stopChild(child);
  }
}

// ---------------------------------------------------------------------------------------------
// A handler that runs longer than the session timeout: the member must keep its partitions.

const LONG_SESSION_TIMEOUT_MS = 6_000; // the broker's minimum (group.min.session.timeout.ms)
const LONG_HANDLER_MS = 2 * LONG_SESSION_TIMEOUT_MS;

interface LongHandlerResult {
  joins: number;
  delivered: number;
  committedToEnd: boolean;
}

async function longHandler(
  client: ClientName,
  admin: Admin,
  probeProducer: Producer,
  topic: string,
): Promise<LongHandlerResult> {
  const groupId = `${prefix}long.${client}`;
  await probeProducer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: options.partitions }, (_, partition) => ({ partition, value: `long:${partition}` })),
  });
  const ends = await endOffsets(admin, topic);
  let joins = 0;
  let delivered = 0;
  let slept = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const consumer = createConsumer(client, {
    brokers,
    clientId: `${prefix}long.${client}`,
    groupId,
    topic,
    sessionTimeoutMs: LONG_SESSION_TIMEOUT_MS,
    rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
    heartbeatIntervalMs: 2_000,
    maxWaitMs: MAX_WAIT_MS,
    onJoin: () => (joins += 1),
  });
  const running = consumer
    .run(async (batch) => {
      if (!slept) {
        slept = true;
        await sleep(LONG_HANDLER_MS);
      }
      delivered += batch.length;
      if (delivered >= options.partitions) resolveDone();
    })
    .catch((error: unknown) => {
      process.stderr.write(`${CLIENT_LABEL[client]} consumer failed: ${(error as Error).stack ?? String(error)}\n`);
    });
  await within(done, LONG_HANDLER_MS + 60_000, 'long-handler records').catch(() => undefined);
  let committedToEnd = false;
  const deadline = now() + 10_000;
  while (now() < deadline && !committedToEnd) {
    const committed = await committedOffsets(admin, groupId, topic);
    committedToEnd = [...ends].every(([partition, end]) => committed.get(partition) === end);
    if (!committedToEnd) await sleep(50);
  }
  await sleep(1_000); // a redelivery after a lost membership shows up in `delivered`
  await consumer.close();
  await running;
  return { joins, delivered, committedToEnd };
}

// ---------------------------------------------------------------------------------------------

function kafkaVersion(): string {
  if (process.env.TRAWL_KAFKA_VERSION) return process.env.TRAWL_KAFKA_VERSION;
  const env = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..', '.env');
  const match = fs.existsSync(env) ? /^TRAWL_KAFKA_VERSION=(\S+)/m.exec(fs.readFileSync(env, 'utf8')) : null;
  return match?.[1] ?? '?';
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const thousands = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-');

async function main(): Promise<void> {
  silenceKafkajsTimeoutWarning();
  const kafka = new Kafka({ clientId: `${prefix}admin`, brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  const probeProducer = kafka.producer({ allowAutoTopicCreation: false });
  await admin.connect();
  await probeProducer.connect();
  const topic = (role: string, client: ClientName) => `${prefix}${role}.${client}`;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: `${prefix}warmup`, numPartitions: 1, replicationFactor: 1 },
        ...clients.flatMap((client) =>
          ['produce', 'restart', 'long'].map((role) => ({
            topic: topic(role, client),
            numPartitions: options.partitions,
            replicationFactor: 1,
          })),
        ),
      ],
    });
    const records = buildRecords();
    const recordBytes = records.reduce((sum, record) => sum + record.key.length + record.value.length, 0);
    process.stdout.write(
      [
        `Node ${process.version}, Kafka ${kafkaVersion()} (${brokers.join(',')}), kafkajs ${packageVersion('kafkajs')}, @platformatic/kafka ${packageVersion('@platformatic/kafka')}`,
        `${options.messages} records (${options.valueBytes}-byte values, ${options.keys} keys, 2 headers), ${options.perSend} per send call, ${options.inFlight} calls in flight, ${options.partitions} partitions;`,
        `idempotent producers, acks=all, no compression; consumers commit after each fetched batch; session timeout ${options.sessionTimeoutMs} ms, heartbeat ${HEARTBEAT_INTERVAL_MS} ms`,
        '',
      ].join('\n'),
    );

    const produced = new Map<ClientName, ProduceResult>();
    for (const client of clients) {
      produced.set(client, await produce(client, topic('produce', client), records));
      process.stdout.write(`${CLIENT_LABEL[client]}: produced in ${fixed(produced.get(client)!.seconds, 2)} s\n`);
    }
    const consumed = new Map<ClientName, ConsumeResult>();
    for (const client of clients) {
      consumed.set(client, await consume(client, admin, topic('produce', client)));
      process.stdout.write(
        `${CLIENT_LABEL[client]}: consumed ${consumed.get(client)!.received} records in ${fixed(consumed.get(client)!.seconds, 2)} s\n`,
      );
    }
    const restarted = new Map<ClientName, RestartResult>();
    if (options.restart) {
      for (const client of clients) {
        restarted.set(client, await restart(client, probeProducer, topic('restart', client)));
        process.stdout.write(`${CLIENT_LABEL[client]}: restart measured\n`);
      }
    }
    const long = new Map<ClientName, LongHandlerResult>();
    if (options.longHandler) {
      for (const client of clients) {
        long.set(client, await longHandler(client, admin, probeProducer, topic('long', client)));
        process.stdout.write(`${CLIENT_LABEL[client]}: long handler done\n`);
      }
    }

    // Same key, same partition, whichever client produced it?
    const [a, b] = clients;
    const samePartitions =
      a && b
        ? [...consumed.get(a)!.partitionOfKey].filter(([key, p]) => consumed.get(b)!.partitionOfKey.get(key) !== p)
            .length
        : 0;

    const lines = [
      '',
      '| client | produce msg/s | produce MB/s | send call p50 / p99 ms | consume msg/s (from start) | start → joined / first record ms | missing | duplicates | keys out of order | offsets committed to the end |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...clients.map((client) => {
        const p = produced.get(client)!;
        const c = consumed.get(client)!;
        return `| ${CLIENT_LABEL[client]} | ${thousands(options.messages / p.seconds)} | ${fixed(recordBytes / p.seconds / 1e6, 1)} | ${fixed(p.sendP50Ms, 1)} / ${fixed(p.sendP99Ms, 1)} | ${thousands(options.messages / c.seconds)} | ${fixed(c.joinMs)} / ${fixed(c.startToFirstMs)} | ${c.missing} | ${c.duplicates} | ${c.keysOutOfOrder + c.keysOnTwoPartitions} | ${c.committedToEnd ? `yes (${fixed(c.commitLagMs)} ms after the last record)` : 'NO'} |`;
      }),
    ];
    if (a && b)
      lines.push('', `keys placed on a different partition by the two producers: ${samePartitions} of ${options.keys}`);
    for (const client of clients) {
      const c = consumed.get(client)!;
      if (c.orderExamples.length) {
        lines.push(
          `${CLIENT_LABEL[client]}: ${c.keysOutOfOrder} key(s) out of order, e.g. ${c.orderExamples.join('; ')}`,
        );
      }
      if (c.mismatched)
        lines.push(`${CLIENT_LABEL[client]}: ${c.mismatched} record(s) with another key or headers than sent`);
      if (c.keysOnTwoPartitions)
        lines.push(
          `${CLIENT_LABEL[client]}: ${c.keysOnTwoPartitions} record(s) on another partition than earlier records of their key`,
        );
    }
    if (options.restart) {
      lines.push(
        '',
        `Restart (session timeout ${options.sessionTimeoutMs} ms, heartbeat ${HEARTBEAT_INTERVAL_MS} ms): ms from the new process's spawn until it has received a new record from every partition`,
        '',
        '| client | static membership | first start: joined | after kill -9: joined | after kill -9: every partition | after SIGTERM (graceful close): every partition |',
        '| --- | --- | --- | --- | --- | --- |',
        ...clients.map((client) => {
          const r = restarted.get(client)!;
          return `| ${CLIENT_LABEL[client]} | ${client === 'platformatic' ? 'yes (groupInstanceId)' : 'no (not supported)'} | ${fixed(r.firstJoinMs)} | ${fixed(r.crashJoinMs)} | ${fixed(r.crashAllPartitionsMs)} | ${fixed(r.gracefulAllPartitionsMs)} |`;
        }),
      );
    }
    if (options.longHandler) {
      lines.push(
        '',
        `A ${LONG_HANDLER_MS / 1000} s handler with a ${LONG_SESSION_TIMEOUT_MS / 1000} s session timeout (one record per partition; kafkajs heartbeats from inside the handler, as libs/messaging does):`,
        '',
        '| client | group joins (1 = kept its partitions) | records delivered (of ' +
          options.partitions +
          ') | offsets committed to the end |',
        '| --- | --- | --- | --- |',
        ...clients.map((client) => {
          const r = long.get(client)!;
          return `| ${CLIENT_LABEL[client]} | ${r.joins} | ${r.delivered} | ${r.committedToEnd ? 'yes' : 'NO'} |`;
        }),
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await probeProducer.disconnect().catch(() => undefined);
    const groups = clients.flatMap((client) => ['consume', 'restart', 'long'].map((role) => topic(role, client)));
    await admin.deleteGroups(groups).catch(() => undefined);
    const ours = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
    if (ours.length) await admin.deleteTopics({ topics: ours, timeout: 30_000 }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
