// Apache Kafka, one combined broker+controller node in KRaft mode, from Maven Central jars.
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
  waitUntil,
} from './process-control.mjs';

export function kafkaPart(settings) {
  const { kafka, host } = settings;
  const dir = path.join(settings.stackDir, 'kafka');
  const libsDir = path.join(settings.cacheDir, `kafka-${kafka.version}`, 'libs');
  const files = {
    pid: path.join(dir, 'kafka.pid'),
    log: path.join(dir, 'kafka.log'),
    properties: path.join(dir, 'server.properties'),
    log4j: path.join(dir, 'log4j2.properties'),
    clusterId: path.join(dir, 'cluster-id'),
    data: path.join(dir, 'data'),
  };
  const address = `${host}:${kafka.port}`;

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
    return run('java', [...extra, `-Dlog4j2.configurationFile=${files.log4j}`, '-cp', `${libsDir}/*`, ...args]);
  }

  function writeConfig() {
    fs.mkdirSync(files.data, { recursive: true });
    fs.writeFileSync(
      files.properties,
      [
        '# Written by `npm run stack`; edits are overwritten on the next `up`.',
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@${host}:${kafka.controllerPort}`,
        `listeners=PLAINTEXT://${host}:${kafka.port},CONTROLLER://${host}:${kafka.controllerPort}`,
        `advertised.listeners=PLAINTEXT://${host}:${kafka.port}`,
        'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
        `log.dirs=${files.data}`,
        'num.partitions=3',
        // One node: every internal topic can only have one replica.
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'share.coordinator.state.topic.replication.factor=1',
        'share.coordinator.state.topic.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        // Topics are created by the services with their own settings.
        'auto.create.topics.enable=false',
        'log.retention.hours=168',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      files.log4j,
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
  }

  async function formatStorageOnce() {
    if (fs.existsSync(path.join(files.data, 'meta.properties'))) return;
    let clusterId = fs.existsSync(files.clusterId) ? fs.readFileSync(files.clusterId, 'utf8').trim() : '';
    if (!clusterId) {
      clusterId = (await java(['kafka.tools.StorageTool', 'random-uuid'])).trim().split('\n').pop().trim();
      fs.writeFileSync(files.clusterId, `${clusterId}\n`);
    }
    await java(['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', files.properties, '--ignore-formatted']);
  }

  async function probe() {
    const client = new Kafka({
      clientId: 'trawl-stack-probe',
      brokers: [address],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 3000,
      retry: { retries: 0 },
    });
    const admin = client.admin();
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

  return {
    name: 'kafka',
    external: false,
    where: () => `KAFKA_BROKERS=${address}`,
    logFile: files.log,
    pid: () => runningPid(files.pid),
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
      const pid = spawnDetached(
        'java',
        [
          `-Xms512m`,
          `-Xmx${kafka.heap}`,
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${files.log4j}`,
          `-Dkafka.logs.dir=${dir}`,
          '-cp',
          `${libsDir}/*`,
          'kafka.Kafka',
          files.properties,
        ],
        { logFile: files.log, pidFile: files.pid, cwd: dir },
      );
      await waitUntil(probe, { timeoutMs: 90000, what: 'kafka', isDead: () => !runningPid(files.pid) });
      return pid;
    },
    down: () => stopPid(files.pid, { name: 'kafka', graceMs: 30000 }),
    reset() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
