// Apache Kafka in KRaft mode from Maven Central jars: one combined broker+controller node (the
// default, what `npm start` and `npm test` use), or with `--brokers N` a cluster of N such nodes on
// loopback, every node a voter of the controller quorum, topics replicated N ways (at most 3),
// acks=all writes needing two in-sync replicas.
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { repoRoot } from './settings.mjs';
import {
  requireTool,
  requireToolVersion,
  run,
  runningPid,
  spawnDetached,
  stopPid,
  tail,
  waitUntil,
} from './process-control.mjs';

/** The most nodes `--brokers` accepts: enough to show replication on one machine. */
export const MAX_KAFKA_NODES = 9;

/** Where the node count of a multi-node Kafka is remembered (absent: one node). */
function brokersFile(settings) {
  return path.join(settings.stackDir, 'kafka', 'brokers');
}

/**
 * How many Kafka nodes this stack has: the count remembered in the stack dir when it holds one,
 * else `requested` (from `--brokers`), else 1. `up` with a count different from the one the data
 * was made with is refused: a KRaft quorum's voters are fixed when its storage is formatted.
 */
export function kafkaNodeCount(settings, { requested, command }) {
  const file = brokersFile(settings);
  const hasData = fs.existsSync(path.join(settings.stackDir, 'kafka'));
  const remembered = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : hasData ? 1 : undefined;
  if (remembered !== undefined && !(Number.isInteger(remembered) && remembered >= 1 && remembered <= MAX_KAFKA_NODES)) {
    throw new Error(`kafka: ${file} should hold a node count from 1 to ${MAX_KAFKA_NODES}`);
  }
  if (requested !== undefined && remembered !== undefined && requested !== remembered && command === 'up') {
    throw new Error(
      `kafka: ${settings.stackDir} holds a ${remembered}-node Kafka; \`npm run stack -- reset kafka\` wipes it ` +
        `(its topics and offsets too), then \`npm run stack -- up --brokers ${requested}\``,
    );
  }
  return remembered ?? requested ?? 1;
}

/** `-Xms`: 512m as always, or the whole heap when that is smaller (a JVM refuses -Xms above -Xmx). */
function initialHeap(heap) {
  const match = /^(\d+)([kmg]?)$/i.exec(heap);
  if (!match) throw new Error(`TRAWL_KAFKA_HEAP=${heap} is not a JVM heap size (e.g. 512m, 1g)`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase()];
  return Number(match[1]) * unit < 512 * 1024 ** 2 ? heap : '512m';
}

export function kafkaPart(settings, { nodes: count = 1 } = {}) {
  const { kafka, host } = settings;
  const dir = path.join(settings.stackDir, 'kafka');
  const libsDir = path.join(settings.cacheDir, `kafka-${kafka.version}`, 'libs');
  const shared = {
    log4j: path.join(dir, 'log4j2.properties'),
    clusterId: path.join(dir, 'cluster-id'),
  };
  const cluster = count > 1;
  // Three nodes on a shared machine: each gets less than the single node's 1g unless told otherwise.
  const heap = cluster ? kafka.heapFromEnv || '512m' : kafka.heap;

  // One node keeps the layout it always had (kafka/kafka.pid, kafka/data, ...); a cluster's
  // nodes each have a folder of their own (kafka/node-1, ...), node i on port + 2(i-1).
  const nodes = Array.from({ length: count }, (_, index) => {
    const id = index + 1;
    const nodeDir = cluster ? path.join(dir, `node-${id}`) : dir;
    return {
      id,
      dir: nodeDir,
      port: kafka.port + 2 * index,
      controllerPort: kafka.controllerPort + 2 * index,
      files: {
        pid: path.join(nodeDir, 'kafka.pid'),
        log: path.join(nodeDir, 'kafka.log'),
        properties: path.join(nodeDir, 'server.properties'),
        data: path.join(nodeDir, 'data'),
      },
    };
  });
  const ports = nodes.flatMap((node) => [node.port, node.controllerPort]);
  if (new Set(ports).size !== ports.length || ports.some((port) => port > 65535)) {
    throw new Error(
      `kafka: ${count} nodes need ports TRAWL_KAFKA_PORT + 0, 2, ... and TRAWL_KAFKA_CONTROLLER_PORT + 0, 2, ..., ` +
        `all distinct and below 65536; got ${ports.join(', ')}`,
    );
  }
  const addresses = nodes.map((node) => `${host}:${node.port}`);
  const replication = Math.min(count, 3);
  const minIsr = Math.min(count - 1, 2);

  async function install() {
    if (fs.existsSync(path.join(libsDir, `kafka_2.13-${kafka.version}.jar`))) return;
    requireTool('mvn', 'install Apache Maven (Debian: apt-get install -y maven)');
    console.log(`kafka: fetching Apache Kafka ${kafka.version} jars from Maven Central into ${libsDir}`);
    const staging = `${libsDir}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    await run('mvn', [
      '-B',
      '-q',
      '-f',
      path.join(repoRoot, 'scripts/stack/kafka/pom.xml'),
      `-Dkafka.version=${kafka.version}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
    ]);
    fs.mkdirSync(path.dirname(libsDir), { recursive: true });
    fs.renameSync(staging, libsDir);
  }

  function java(args, extra = []) {
    return run('java', [...extra, `-Dlog4j2.configurationFile=${shared.log4j}`, '-cp', `${libsDir}/*`, ...args]);
  }

  function replicationSettings() {
    if (!cluster) {
      return [
        // One node: every internal topic can only have one replica.
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'share.coordinator.state.topic.replication.factor=1',
        'share.coordinator.state.topic.min.isr=1',
      ];
    }
    return [
      // Every topic (Trawl's are created with the broker default) and every internal one has
      // `replication` copies; an acks=all write needs `minIsr` of them in sync, so one node may
      // be lost without losing an acknowledged write or stopping producers.
      `default.replication.factor=${replication}`,
      `min.insync.replicas=${minIsr}`,
      `offsets.topic.replication.factor=${replication}`,
      `transaction.state.log.replication.factor=${replication}`,
      `transaction.state.log.min.isr=${minIsr}`,
      `share.coordinator.state.topic.replication.factor=${replication}`,
      `share.coordinator.state.topic.min.isr=${minIsr}`,
      'unclean.leader.election.enable=false',
    ];
  }

  function writeConfig() {
    const voters = nodes.map((node) => `${node.id}@${host}:${node.controllerPort}`).join(',');
    for (const node of nodes) {
      fs.mkdirSync(node.files.data, { recursive: true });
      fs.writeFileSync(
        node.files.properties,
        [
          '# Written by `npm run stack`; edits are overwritten on the next `up`.',
          'process.roles=broker,controller',
          `node.id=${node.id}`,
          `controller.quorum.voters=${voters}`,
          `listeners=PLAINTEXT://${host}:${node.port},CONTROLLER://${host}:${node.controllerPort}`,
          `advertised.listeners=PLAINTEXT://${host}:${node.port}`,
          'controller.listener.names=CONTROLLER',
          'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
          'inter.broker.listener.name=PLAINTEXT',
          `log.dirs=${node.files.data}`,
          'num.partitions=3',
          ...replicationSettings(),
          'group.initial.rebalance.delay.ms=0',
          // Topics are created by the services with their own settings.
          'auto.create.topics.enable=false',
          'log.retention.hours=168',
          '',
        ].join('\n'),
      );
    }
    fs.writeFileSync(
      shared.log4j,
      [
        'status = warn',
        'appender.console.type = Console',
        'appender.console.name = STDOUT',
        'appender.console.layout.type = PatternLayout',
        'appender.console.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = info',
        'rootLogger.appenderRef.stdout.ref = STDOUT',
        'logger.request.name = kafka.request.logger',
        'logger.request.level = warn',
        '',
      ].join('\n'),
    );
    if (cluster) fs.writeFileSync(brokersFile(settings), `${count}\n`);
  }

  async function formatStorageOnce() {
    const unformatted = nodes.filter((node) => !fs.existsSync(path.join(node.files.data, 'meta.properties')));
    if (unformatted.length === 0) return;
    let clusterId = fs.existsSync(shared.clusterId) ? fs.readFileSync(shared.clusterId, 'utf8').trim() : '';
    if (!clusterId) {
      clusterId = (await java(['kafka.tools.StorageTool', 'random-uuid'])).trim().split('\n').pop().trim();
      fs.writeFileSync(shared.clusterId, `${clusterId}\n`);
    }
    // One JVM per format: the nodes of a cluster are formatted side by side.
    await Promise.all(
      unformatted.map((node) =>
        java(['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', node.files.properties, '--ignore-formatted']),
      ),
    );
  }

  function probeClient(brokers) {
    return new Kafka({
      clientId: 'trawl-stack-probe',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 3000,
      retry: { retries: 0 },
    }).admin();
  }

  /** A cluster's node answers on its own port and sees every node as a live broker. */
  async function probeNode(node) {
    if (!runningPid(node.files.pid)) throw new Error(`node ${node.id} is not running`);
    const admin = probeClient([`${host}:${node.port}`]);
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      const seen = new Set(brokers.map((broker) => broker.nodeId));
      const missing = nodes.filter((other) => !seen.has(other.id)).map((other) => other.id);
      if (missing.length > 0) {
        throw new Error(
          `node ${node.id} sees ${seen.size} of ${count} brokers in the cluster (missing: node ${missing.join(', node ')})`,
        );
      }
    } catch (error) {
      throw new Error(`node ${node.id}: ${error.message}`, { cause: error });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async function probe() {
    // Every node of a cluster must run, answer and be a live broker: not just the first to answer.
    if (cluster) await Promise.all(nodes.map(probeNode));
    const admin = probeClient(addresses);
    try {
      await admin.connect();
      await admin.describeCluster();
      // Consumers need a group coordinator, which is not ready as soon as the port opens.
      await admin.describeGroups(['trawl-stack-readiness']);
      return true;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  function spawnNode(node) {
    return spawnDetached(
      'java',
      [
        `-Xms${initialHeap(heap)}`,
        `-Xmx${heap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${shared.log4j}`,
        `-Dkafka.logs.dir=${node.dir}`,
        '-cp',
        `${libsDir}/*`,
        'kafka.Kafka',
        node.files.properties,
      ],
      { logFile: node.files.log, pidFile: node.files.pid, cwd: node.dir },
    );
  }

  /**
   * The node that is the quorum's active controller now, as its log says (the highest epoch at
   * which a node became the active controller), or undefined. Informational: from the logs.
   */
  function activeController() {
    let best;
    for (const node of nodes) {
      let text = '';
      try {
        text = fs.readFileSync(node.files.log, 'utf8');
      } catch {
        continue;
      }
      for (const match of text.matchAll(/Becoming the active controller at epoch (\d+)/g)) {
        const epoch = Number(match[1]);
        if (!best || epoch > best.epoch) best = { id: node.id, epoch };
      }
    }
    return best && runningPid(nodes[best.id - 1].files.pid) ? best.id : undefined;
  }

  return {
    name: 'kafka',
    external: false,
    where: () =>
      cluster
        ? `KAFKA_BROKERS=${addresses.join(',')}  (${count} KRaft nodes, replication ${replication}, min.insync.replicas ${minIsr}, heap ${heap} each)`
        : `KAFKA_BROKERS=${addresses[0]}`,
    logFile: nodes[0].files.log,
    // One log per node of a cluster (one node: the stack's usual tail of logFile).
    ...(cluster
      ? {
          logs: (lines) =>
            nodes
              .map((node) => `--- node ${node.id}: ${node.files.log} ---\n${tail(node.files.log, lines)}`)
              .join('\n'),
        }
      : {}),
    pid: () => nodes.map((node) => runningPid(node.files.pid)).find(Boolean),
    /** Each node: its id, process (null when down), broker and controller addresses, log. */
    nodes: () => {
      const leader = cluster ? activeController() : nodes[0].id;
      return nodes.map((node) => ({
        id: node.id,
        pid: runningPid(node.files.pid) ?? null,
        broker: `${host}:${node.port}`,
        controller: `${host}:${node.controllerPort}`,
        activeController: leader === node.id,
        logFile: node.files.log,
      }));
    },
    /** A cluster with some nodes down is healed by starting those; the others keep running. */
    canResume: () => cluster && nodes.some((node) => !runningPid(node.files.pid)),
    probe,
    async up() {
      await requireToolVersion('java', {
        args: ['-version'],
        pattern: /version "(\d+)(?:\.(\d+))?/,
        minimum: [17, 0],
        hint: 'install a Java 17+ runtime (Debian 12: apt-get install -y openjdk-17-jre-headless)',
      });
      await install();
      fs.mkdirSync(dir, { recursive: true });
      writeConfig();
      await formatStorageOnce();
      const started = [];
      for (const node of nodes) {
        if (!runningPid(node.files.pid)) started.push({ node, pid: spawnNode(node) });
      }
      await waitUntil(probe, {
        timeoutMs: cluster ? 120000 : 90000,
        what: 'kafka',
        isDead: () => started.some(({ node }) => !runningPid(node.files.pid)),
      });
      return started[0]?.pid;
    },
    async down() {
      // All at once: a cluster stopped one node at a time loses its quorum before the last one
      // can finish its controlled shutdown.
      const stopped = await Promise.all(
        nodes.map((node) =>
          stopPid(node.files.pid, { name: cluster ? `kafka node ${node.id}` : 'kafka', graceMs: 30000 }),
        ),
      );
      return stopped.some(Boolean);
    },
    reset() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
