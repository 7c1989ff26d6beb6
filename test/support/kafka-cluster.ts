import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const CLI = path.resolve(__dirname, '../../scripts/stack/cli.mjs');

/** One node of a cluster, as `npm run stack -- status kafka --json` reports it. */
export interface KafkaNode {
  id: number;
  pid: number | null;
  broker: string;
  controller: string;
  /** From the nodes' logs: the node that last became the quorum's active controller. */
  activeController: boolean;
  logFile: string;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port p with p, p+1, ..., p+2n-1 free on loopback (node i: broker p+2(i-1), controller p+2(i-1)+1). */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return base;
  }
  throw new Error(`no run of ${count} free loopback ports found`);
}

/** The process runs (a zombie, killed but not yet reaped, does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A Kafka cluster of its own (`npm run stack -- up kafka --brokers N`) in a stack dir and on ports
 * of its own: the shared stack the other specs use is never touched. For specs that lose brokers.
 */
export class KafkaCluster {
  private constructor(
    readonly stackDir: string,
    readonly size: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(label: string, options: { brokers?: number; heap?: string } = {}): Promise<KafkaCluster> {
    const size = options.brokers ?? 3;
    const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), `trawl-${label}-`));
    const base = await freePortRun(2 * size);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TRAWL_STACK_DIR: stackDir,
      TRAWL_KAFKA_PORT: String(base),
      TRAWL_KAFKA_CONTROLLER_PORT: String(base + 1),
      TRAWL_KAFKA_HEAP: options.heap ?? '384m',
    };
    // The CLI takes a DATABASE_URL for an external database; this cluster has nothing to do with it.
    delete env.DATABASE_URL;
    return new KafkaCluster(stackDir, size, env);
  }

  private run(args: string[], timeout = 180_000) {
    return execFileAsync(process.execPath, [CLI, ...args], { env: this.env, timeout });
  }

  /** Starts every node and resolves once all are brokers of the cluster with a group coordinator. */
  async up(): Promise<void> {
    await this.run(['up', 'kafka', '--brokers', String(this.size)]);
  }

  /** Starts the nodes that are not running (the others keep running) and waits until all are back in the cluster. */
  async startMissing(): Promise<void> {
    await this.run(['up', 'kafka']);
  }

  /** KAFKA_BROKERS as `stack up` wrote it to the cluster's stack.env. */
  brokers(): string {
    const text = fs.readFileSync(path.join(this.stackDir, 'stack.env'), 'utf8');
    const match = /^KAFKA_BROKERS=(\S+)$/m.exec(text);
    if (!match) throw new Error(`no KAFKA_BROKERS in ${this.stackDir}/stack.env`);
    return match[1]!;
  }

  async nodes(): Promise<KafkaNode[]> {
    // `status` exits non-zero while a node is down; its JSON is still on stdout.
    const { stdout } = await this.run(['status', 'kafka', '--json']).catch((error: { stdout?: string }) => ({
      stdout: error.stdout ?? '[]',
    }));
    const kafka = (JSON.parse(stdout) as { name: string; nodes?: KafkaNode[] }[]).find((part) => part.name === 'kafka');
    if (!kafka?.nodes) throw new Error(`stack status in ${this.stackDir} reported no kafka nodes`);
    return kafka.nodes;
  }

  /** kill -9 of one node's JVM (as `nodes()` reported it); resolves once the process is gone. */
  async killNode(node: KafkaNode): Promise<void> {
    const pid = node.pid;
    if (!pid) throw new Error(`kafka node ${node.id} is not running`);
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    while (alive(pid)) {
      if (Date.now() > deadline) throw new Error(`kafka node ${node.id} (pid ${pid}) still runs 30 s after SIGKILL`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops every node and wipes the cluster's stack dir. */
  async destroy(): Promise<void> {
    await this.run(['reset', 'kafka']).catch(() => undefined);
    fs.rmSync(this.stackDir, { recursive: true, force: true });
  }
}
