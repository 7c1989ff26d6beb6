// Jaeger v2 (all-in-one): OTLP in, query API out, in-memory storage. Built once with the Go
// toolchain from the Go module proxy at a pinned version and cached as a binary.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goBinary } from './go-toolchain.mjs';
import { run, runningPid, spawnDetached, stopPid, waitUntil } from './process-control.mjs';

const MODULE = 'github.com/jaegertracing/jaeger';

export function jaegerPart(settings) {
  const { jaeger, host } = settings;
  const dir = path.join(settings.stackDir, 'jaeger');
  const binary = path.join(settings.cacheDir, `jaeger-${jaeger.version}`, 'jaeger');
  const files = {
    pid: path.join(dir, 'jaeger.pid'),
    log: path.join(dir, 'jaeger.log'),
    config: path.join(dir, 'config.yaml'),
  };

  async function build() {
    if (fs.existsSync(binary)) return;
    const goCommand = await goBinary({ cacheDir: settings.cacheDir, toolchain: settings.goToolchain });
    console.log(`jaeger: building ${MODULE} ${jaeger.version} with Go (cold: a few minutes, then cached in ${binary})`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'trawl-jaeger-build-'));
    const env = { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };
    const go = (...args) => run(goCommand, args, { cwd: work, env });
    try {
      await go('mod', 'init', 'trawl.local/jaeger-build');
      // Jaeger's go.mod replaces sarama; a replace only applies in the main module, so repeat it here.
      await go(
        'mod',
        'edit',
        `-require=${MODULE}@${jaeger.version}`,
        '-replace=github.com/Shopify/sarama=github.com/Shopify/sarama@v1.33.0',
      );
      await go('mod', 'download', `${MODULE}@${jaeger.version}`);
      // Jaeger's own go.sum: without it the checksum look-ups for its dependencies fail here.
      const modCache = (await go('env', 'GOMODCACHE')).trim();
      fs.copyFileSync(path.join(modCache, `${MODULE}@${jaeger.version}`, 'go.sum'), path.join(work, 'go.sum'));
      fs.chmodSync(path.join(work, 'go.sum'), 0o644);
      await go('get', `${MODULE}/cmd/jaeger@${jaeger.version}`);
      fs.mkdirSync(path.dirname(binary), { recursive: true });
      await go('build', '-trimpath', '-ldflags=-s -w', '-o', `${binary}.partial`, `${MODULE}/cmd/jaeger`);
      fs.renameSync(`${binary}.partial`, binary);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  function writeConfig() {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      files.config,
      `# Written by \`npm run stack\`; edits are overwritten on the next \`up\`.
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: info
extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: ${host}:${jaeger.healthPort}
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: ${host}:${jaeger.queryPort}
    grpc:
      endpoint: ${host}:${jaeger.queryGrpcPort}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: ${jaeger.maxTraces}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${host}:${jaeger.otlpGrpcPort}
      http:
        endpoint: ${host}:${jaeger.otlpHttpPort}
processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`,
    );
  }

  async function probe() {
    const response = await fetch(`http://${host}:${jaeger.queryPort}/api/services`, {
      signal: AbortSignal.timeout(2000),
    });
    return response.ok;
  }

  return {
    name: 'jaeger',
    external: false,
    where: () =>
      `OTEL_EXPORTER_OTLP_ENDPOINT=http://${host}:${jaeger.otlpHttpPort}  (gRPC ${host}:${jaeger.otlpGrpcPort}; query API http://${host}:${jaeger.queryPort})`,
    logFile: files.log,
    pid: () => runningPid(files.pid),
    probe,
    async up() {
      await build();
      writeConfig();
      const pid = spawnDetached(binary, ['--config', files.config], {
        logFile: files.log,
        pidFile: files.pid,
        cwd: dir,
      });
      await waitUntil(probe, { timeoutMs: 60000, what: 'jaeger', isDead: () => !runningPid(files.pid) });
      return pid;
    },
    down: () => stopPid(files.pid, { name: 'jaeger' }),
    reset() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
