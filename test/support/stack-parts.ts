import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const CLI = path.resolve(__dirname, '../../scripts/stack/cli.mjs');

/**
 * The stack CLI's environment. `npm test` exports the stack's own DATABASE_URL to the tests, and
 * the CLI takes any DATABASE_URL for an external database it must not manage: that one is left
 * out. A DATABASE_URL the user gave `npm test` (TRAWL_EXTERNAL_DATABASE=1) stays, and stays external.
 */
function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (env.TRAWL_EXTERNAL_DATABASE !== '1') delete env.DATABASE_URL;
  return env;
}

const run = (args: string[], options: { timeout?: number } = {}) =>
  execFileAsync(process.execPath, [CLI, ...args], { ...options, env: cliEnv() });

export type StackPart = 'kafka' | 'postgres';

interface PartStatus {
  name: string;
  state: 'up' | 'external' | 'unhealthy' | 'down';
  pid: number | null;
}

async function status(part: StackPart): Promise<PartStatus> {
  // `status` exits non-zero while a part is down; its JSON is still on stdout.
  const { stdout } = await run(['status', part, '--json']).catch((error: { stdout?: string }) => ({
    stdout: error.stdout ?? '[]',
  }));
  const found = (JSON.parse(stdout) as PartStatus[]).find((entry) => entry.name === part);
  if (!found) throw new Error(`stack status did not report ${part}`);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The part's own process, for a kill: only a part this stack started (not an external DATABASE_URL). */
export async function stackPartPid(part: StackPart): Promise<number | undefined> {
  const found = await status(part);
  return found.state === 'external' ? undefined : (found.pid ?? undefined);
}

/** kill -9 of a stack part (Kafka's JVM, Postgres's postmaster); resolves once the process is gone. */
export async function killStackPart(part: StackPart): Promise<void> {
  const pid = await stackPartPid(part);
  if (pid === undefined) throw new Error(`${part} is not a process of this stack; it cannot be killed here`);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 30_000;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`${part} (pid ${pid}) still runs 30 s after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `npm run stack -- up <part>`: starts it again on its data and waits until it is healthy. */
export async function startStackPart(part: StackPart): Promise<void> {
  await run(['up', part], { timeout: 180_000 });
}
