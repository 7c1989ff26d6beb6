// The Go toolchain for the Jaeger build: the machine's `go` when it is new enough, otherwise the
// pinned release fetched once from the Go module proxy (module golang.org/toolchain, the same
// archive `GOTOOLCHAIN=auto` downloads) and cached. So a machine without Go, or with Debian 12's
// golang-go 1.19, still builds Jaeger.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireTool, requireToolVersion, run, ToolMissingError } from './process-control.mjs';

const MINIMUM = [1, 24];
const GOARCH = { x64: 'amd64', arm64: 'arm64' };

function proxyBase(env) {
  const first = (env.GOPROXY || '').split(/[,|]/)[0];
  return /^https?:\/\//.test(first) ? first.replace(/\/$/, '') : 'https://proxy.golang.org';
}

/** The path of a `go` binary at least 1.24, fetching `toolchain` (e.g. go1.24.11) if need be. */
export async function goBinary({ cacheDir, toolchain, env = process.env }) {
  try {
    await requireToolVersion('go', {
      args: ['version'],
      pattern: /go(\d+)\.(\d+)/,
      minimum: MINIMUM,
      hint: 'using the pinned toolchain from the Go module proxy instead',
    });
    return 'go';
  } catch (error) {
    if (!(error instanceof ToolMissingError)) throw error;
    console.log(`jaeger: ${error.message.split(';')[0]}`);
  }
  const arch = GOARCH[os.arch()];
  if (!arch || (process.platform !== 'linux' && process.platform !== 'darwin')) {
    throw new ToolMissingError(
      `go ${MINIMUM.join('.')}+ is needed to build Jaeger and no toolchain is published for ${process.platform}/${os.arch()}: install Go from https://go.dev/dl`,
    );
  }
  const version = `v0.0.1-${toolchain}.${process.platform}-${arch}`;
  const home = path.join(cacheDir, `go-${toolchain}`);
  const binary = path.join(home, 'bin', 'go');
  if (fs.existsSync(binary)) return binary;

  requireTool('unzip', 'install unzip (Debian: apt-get install -y unzip), or Go 1.24+ from https://go.dev/dl');
  const url = `${proxyBase(env)}/golang.org/toolchain/@v/${version}.zip`;
  console.log(`jaeger: fetching Go ${toolchain} from ${url}`);
  const response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  if (!response.ok) {
    throw new ToolMissingError(`go: ${url} answered ${response.status}: install Go 1.24+ from https://go.dev/dl`);
  }
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'trawl-go-'));
  try {
    const zip = path.join(staging, 'toolchain.zip');
    fs.writeFileSync(zip, Buffer.from(await response.arrayBuffer()));
    await run('unzip', ['-q', zip, '-d', staging]);
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.rmSync(home, { recursive: true, force: true });
    fs.renameSync(path.join(staging, `golang.org/toolchain@${version}`), home);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}
