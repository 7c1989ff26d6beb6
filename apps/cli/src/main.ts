import 'reflect-metadata';
import { runCli } from './cli';

/** Whether a progress line is on the terminal (stderr) without its newline. */
let progressShown = false;

// Ctrl-C under a progress line: end that line first, so the shell's prompt starts on a line of its own.
process.once('SIGINT', () => {
  if (progressShown) process.stderr.write('\n');
  process.kill(process.pid, 'SIGINT');
});

runCli(
  process.argv.slice(2),
  process.env,
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    ...(process.stderr.isTTY
      ? {
          progress: (line: string) => {
            progressShown = line !== '';
            process.stderr.write(`\r\x1b[K${line}`);
          },
          columns: () => process.stderr.columns,
        }
      : {}),
    rawStdout: process.stdout,
  },
  { stdin: process.stdin, stdinIsTTY: process.stdin.isTTY === true },
).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`trawl: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
