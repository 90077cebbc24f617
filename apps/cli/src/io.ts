/** Where a command writes; `process.stdout` / `process.stderr` fit. */
export interface CliOutput {
  write(text: string): unknown;
  /** Progress is drawn only on a terminal. */
  isTTY?: boolean;
  /** Width of the terminal, for the progress bar. */
  columns?: number;
}

/** The outside world of one CLI run, so that tests can run it in-process. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** The environment (`process.env` in `main.ts`). */
  env: Record<string, string | undefined>;
  /**
   * The working directory. Relative file names are taken from where the command was typed,
   * which under pnpm can be elsewhere (`INIT_CWD`, `PWD`). @default process.cwd()
   */
  cwd?: string;
}
