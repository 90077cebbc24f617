/** Exit codes of the `sms-relay` command. */
export const EXIT = {
  ok: 0,
  /** The command ran and failed (bad input, Redis down, unknown id, rejected rows). */
  failure: 1,
  /** The command line itself is wrong: unknown command or option, missing argument. */
  usage: 2,
} as const;

/** A failure the CLI reports as one line on stderr. */
export class CliError extends Error {
  override readonly name = "CliError";
  /** Stable identifier, e.g. `"CLI_USAGE"`, `"REDIS_UNREACHABLE"`, `"SMS_VALIDATION"`. */
  readonly code: string;
  /** Process exit code. @default 1 */
  readonly exitCode: number;

  constructor(code: string, message: string, options?: ErrorOptions & { exitCode?: number }) {
    super(message, options);
    this.code = code;
    this.exitCode = options?.exitCode ?? EXIT.failure;
  }
}

/** A wrong command line: exits 2 and points at the `--help` of `command` (`""`: the overview). */
export function usageError(command: string, message: string): CliError {
  const help = command === "" ? "sms-relay --help" : `sms-relay ${command} --help`;
  return new CliError("CLI_USAGE", `${message} (see: ${help})`, { exitCode: EXIT.usage });
}
