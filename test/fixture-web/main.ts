/**
 * Runs the fixture web server on its own (benchmarks, manual demos):
 *   node dist/test/fixture-web/main.js [port]        (or FIXTURE_WEB_PORT=<port>; default: any free port)
 * FIXTURE_WEB_HOST_IDLE_MS sets the concurrency statistics' idle window (default 300 ms).
 * Prints "FIXTURE_WEB_PORT=<port>" and "TRAWL_RESOLVE=<spec>" once listening; stops on SIGINT/SIGTERM.
 */
import { startFixtureWeb } from './fixture-web.server';

function portFrom(argv: string[], env: NodeJS.ProcessEnv): number {
  const raw = argv[2] ?? env.FIXTURE_WEB_PORT ?? '0';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port "${raw}"`);
  return port;
}

async function main(): Promise<void> {
  const hostIdleMs = process.env.FIXTURE_WEB_HOST_IDLE_MS ? Number(process.env.FIXTURE_WEB_HOST_IDLE_MS) : undefined;
  const fixture = await startFixtureWeb({ port: portFrom(process.argv, process.env), hostIdleMs });
  process.stdout.write(`FIXTURE_WEB_PORT=${fixture.port}\nTRAWL_RESOLVE=${fixture.resolveSpec()}\n`);
  const stop = (): void => {
    fixture.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`fixture-web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
