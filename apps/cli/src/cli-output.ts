/** Where the CLI writes: stdout for results (what scripts read), stderr for everything else. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** A status line redrawn in place (a progress bar); absent when stderr is not a terminal. '' clears it. */
  progress?(line: string): void;
}

/** An error the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
