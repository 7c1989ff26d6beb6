/** Where the CLI writes: stdout for results (what scripts read), stderr for everything else. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** A status line redrawn in place (a progress bar); absent when stderr is not a terminal. '' clears it. */
  progress?(line: string): void;
  /** The terminal's width, for the progress line. */
  columns?(): number | undefined;
  /** Raw bytes to stdout (an export streamed there); process.stdout when absent. */
  rawStdout?: NodeJS.WritableStream;
}

/** Where the CLI reads input from (submit's domains when no FILE is given). */
export interface CliInput {
  stdin: NodeJS.ReadableStream;
  stdinIsTTY: boolean;
}

/** An error the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
