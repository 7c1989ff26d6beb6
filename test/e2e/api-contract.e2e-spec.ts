import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TrawlUnderTest } from '../support/trawl-services';

/**
 * The API contract: Schemathesis (pinned in .env, installed on first use by scripts/schemathesis.mjs)
 * reads GET /docs-json and runs every check against the real services: requests the document calls
 * valid are accepted and invalid ones refused, every status, content type, header and body is the
 * one the document lists (the event stream's events included), undeclared methods get 405 with
 * Allow, and no 5xx. A fixed seed, deterministic generation and a bounded number of examples make
 * every run the same; the budget below stops a run that goes beyond it.
 */
const ROOT = path.resolve(__dirname, '../..');
const CONFIG = path.join(__dirname, 'api-contract.schemathesis.toml');
const SEED = '20261201';
const MAX_EXAMPLES = '40';
const BUDGET_MS = 150_000;

jest.setTimeout(BUDGET_MS + 60_000);

interface Run {
  code: number | null;
  output: string;
  seconds: number;
}

/** Runs `st` with a hard time budget; resolves with its exit code and everything it printed. */
function schemathesis(binary: string, args: string[], budgetMs = BUDGET_MS): Promise<Run> {
  const started = Date.now();
  // Its working directory gets what it keeps between runs (.hypothesis, .schemathesis): not the repository.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'trawl-schemathesis-'));
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--config-file', CONFIG, '--no-color', ...args], {
      cwd,
      env: { ...process.env, COLUMNS: '120', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const overBudget = setTimeout(() => {
      output += `\n[api-contract] schemathesis ran past its ${budgetMs / 1000} s budget: stopped`;
      child.kill('SIGKILL');
    }, budgetMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(overBudget);
      fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ code, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** What a failed run says, at most the last 30,000 characters (its failures and summary are at the end). */
const report = (run: Run) =>
  `schemathesis exited with ${run.code} after ${run.seconds.toFixed(0)} s:\n${run.output.slice(-30_000)}`;

describe('the API contract (Schemathesis, every check, against GET /docs-json)', () => {
  let trawl: TrawlUnderTest;
  let st: string;
  let key: string;

  beforeAll(async () => {
    // Installs the pinned Schemathesis on first use; a missing Python is one line naming what to install.
    const install = promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts/schemathesis.mjs')], {
      cwd: ROOT,
    }).catch((error: { stderr?: string; message: string }) => {
      throw new Error(error.stderr?.trim() || error.message);
    });
    trawl = await TrawlUnderTest.start('api-contract');
    key = await trawl.apiKey('contract');
    st = (await install).stdout.trim();
  });

  afterAll(async () => {
    await trawl?.stop();
  });

  const run = (authorization: string, extra: string[] = []) =>
    schemathesis(st, [
      'run',
      `${trawl.gatewayUrl}/docs-json`,
      '--header',
      `Authorization: Bearer ${authorization}`,
      '--checks',
      'all',
      '--seed',
      SEED,
      // Deterministic generation keeps no example database either.
      '--generation-deterministic',
      '--max-examples',
      MAX_EXAMPLES,
      '--request-timeout',
      '20',
      '--workers',
      '1',
      ...extra,
    ]);

  it('finds no failure: the document tells the truth', async () => {
    const result = await run(key);
    if (result.code !== 0) throw new Error(report(result));
    const cases = /(\d+) generated, (\d+) passed/.exec(result.output);
    expect(cases).not.toBeNull();
    expect(cases?.[1]).toBe(cases?.[2]);
    expect(result.output).not.toMatch(/\d+ failures?\b/);
    console.log(`schemathesis (seed ${SEED}): ${cases?.[0]} in ${result.seconds.toFixed(0)} s`);
  });

  it('reports a wrong key as an authentication failure, not as a pass', async () => {
    const result = await run('trawl_not-a-key-of-this-trawl', ['--phases', 'examples,coverage']);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Authentication failed/);
  });
});
