// Schemathesis, the API contract test's fuzzer: the version pinned in `.env`
// (TRAWL_SCHEMATHESIS_VERSION), installed from PyPI on first use into a venv in the cache
// (~/.cache/trawl/schemathesis-<version>, or $TRAWL_CACHE_DIR), like Kafka's jars and Jaeger.
// It needs Python 3.11+ with venv; without it, one line says what to install.
//
//   node scripts/schemathesis.mjs          prints the path of `st`, installing it if need be
//   node scripts/schemathesis.mjs run ...  runs `st run ...`
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, requireToolVersion, run, sleep, ToolMissingError } from './stack/process-control.mjs';
import { loadSettings, stackVersions } from './stack/settings.mjs';

const PYTHON_HINT = 'install Python 3.11+ with venv (Debian 12: apt-get install -y python3 python3-venv)';
const LOCK_STALE_MS = 10 * 60_000;

function lockOwner(lock) {
  try {
    return Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/** Takes `lock` (a directory: mkdir is atomic), waiting while another live process holds it. */
async function withLock(lock, work) {
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = lockOwner(lock);
      const stale = owner ? !isAlive(owner) : Date.now() - fs.statSync(lock).mtimeMs > LOCK_STALE_MS;
      if (stale) fs.rmSync(lock, { recursive: true, force: true });
      else await sleep(500);
    }
  }
  fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The path of the pinned `st`, installed into the cache on first use. */
export async function schemathesisBinary({
  env = process.env,
  log = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  const version = stackVersions(env).schemathesis;
  const { cacheDir } = loadSettings(env);
  const home = path.join(cacheDir, `schemathesis-${version}`);
  const binary = path.join(home, 'bin', 'st');
  // Written last: a venv without it is an interrupted install.
  const done = path.join(home, '.trawl-installed');
  if (fs.existsSync(done)) return binary;

  await requireToolVersion('python3', {
    args: ['--version'],
    pattern: /Python (\d+)\.(\d+)/,
    minimum: [3, 11],
    hint: PYTHON_HINT,
  });
  fs.mkdirSync(cacheDir, { recursive: true });
  return withLock(`${home}.lock`, async () => {
    if (fs.existsSync(done)) return binary;
    // A venv is not relocatable (its scripts name its own path), so it is built in place.
    fs.rmSync(home, { recursive: true, force: true });
    try {
      log(`schemathesis: installing ${version} from PyPI into ${home}`);
      try {
        await run('python3', ['-m', 'venv', home]);
      } catch (error) {
        throw new ToolMissingError(
          `python3 cannot create a venv (${error.message.split('\n').find((line) => /ensurepip|venv/.test(line)) ?? 'see python3 -m venv'}): ${PYTHON_HINT}`,
        );
      }
      const pip = ['install', '--quiet', '--disable-pip-version-check', '--no-input', `schemathesis==${version}`];
      await run(path.join(home, 'bin', 'pip'), pip).catch((error) => {
        const last = error.message.trim().split('\n').pop();
        throw new ToolMissingError(
          `schemathesis: pip could not install schemathesis==${version} from PyPI (${last}); check the network, or PIP_INDEX_URL`,
        );
      });
      fs.writeFileSync(done, `${version}\n`);
      return binary;
    } catch (error) {
      fs.rmSync(home, { recursive: true, force: true });
      throw error;
    }
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const binary = await schemathesisBinary();
    const args = process.argv.slice(2);
    if (args.length === 0) {
      process.stdout.write(`${binary}\n`);
    } else {
      const result = spawnSync(binary, args, { stdio: 'inherit' });
      process.exit(result.status ?? 1);
    }
  } catch (error) {
    process.stderr.write(`${error instanceof ToolMissingError ? error.message : error.stack}\n`);
    process.exit(error instanceof ToolMissingError ? 2 : 1);
  }
}
