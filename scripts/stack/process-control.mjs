// Starting, finding and stopping the stack's own background processes, by pid file.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export function readPid(pidFile) {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  // A zombie still answers kill(0); treat it as gone.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

/** The pid from pidFile if that process still runs, else undefined (and the stale file is removed). */
export function runningPid(pidFile) {
  const pid = readPid(pidFile);
  if (isAlive(pid)) return pid;
  if (pid) fs.rmSync(pidFile, { force: true });
  return undefined;
}

export function spawnDetached(command, args, { logFile, pidFile, cwd, env }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  child.unref();
  return child.pid;
}

export async function stopPid(pidFile, { name, graceMs = 20000, signal = 'SIGTERM' } = {}) {
  const pid = runningPid(pidFile);
  if (!pid) return false;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    console.error(`${name}: did not stop within ${graceMs / 1000}s of ${signal}; sending SIGKILL`);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(100);
  }
  fs.rmSync(pidFile, { force: true });
  return true;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls probe() until it resolves true; throws with the last error after timeoutMs. */
export async function waitUntil(probe, { timeoutMs, what, isDead }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (isDead?.()) throw new Error(`${what}: the process exited while starting`);
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new Error(`${what}: not healthy after ${timeoutMs / 1000}s${lastError ? ` (${lastError.message})` : ''}`);
}

export function tail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '(no log yet)';
  }
}

export function requireTool(command, installHint) {
  const found = process.env.PATH.split(':').some((dir) => {
    try {
      fs.accessSync(`${dir}/${command}`, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new ToolMissingError(`${command} is not installed: ${installHint}`);
}

/**
 * Like requireTool, and the tool must be at least `minimum` ([major, minor]): `pattern` finds the
 * major and minor numbers in what `command ...args` prints.
 */
export async function requireToolVersion(command, { args, pattern, minimum, hint }) {
  requireTool(command, hint);
  const match = pattern.exec(await run(command, args));
  const found = match ? [Number(match[1]), Number(match[2] ?? 0)] : undefined;
  const [major, minor] = minimum;
  if (!found || found[0] < major || (found[0] === major && found[1] < minor)) {
    const seen = found
      ? `${command} ${found.join('.')}`
      : `${command} (no version in \`${command} ${args.join(' ')}\`)`;
    throw new ToolMissingError(`${seen} is too old: ${major}.${minor} or newer is needed; ${hint}`);
  }
}

export class ToolMissingError extends Error {}

export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}
