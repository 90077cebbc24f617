/** Exit codes of the `sms-relay` command. */
export const EXIT = {
  ok: 0,
  /**
   * The command ran and failed: Redis unreachable, an id not found, a file that cannot be read
   * or holds rejected rows, a bad environment variable.
   */
  failure: 1,
  /**
   * The command line itself is wrong: unknown command or option, a missing argument, or a value
   * on it that is not acceptable (`--to` not a mobile number, `--limit` not a number).
   */
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

/** Options of {@link usageError}. */
export interface UsageErrorOptions extends ErrorOptions {
  /** @default "CLI_USAGE" */
  code?: string;
}

/**
 * A wrong command line: exits 2 and points at the `--help` of `command` (`""`: the overview),
 * as in `unknown option "--too", did you mean --to? (see: sms-relay send --help)`.
 */
export function usageError(
  command: string,
  message: string,
  options: UsageErrorOptions = {},
): CliError {
  const { code = "CLI_USAGE", ...errorOptions } = options;
  const help = command === "" ? "sms-relay --help" : `sms-relay ${command} --help`;
  return new CliError(code, `${message} (see: ${help})`, {
    ...errorOptions,
    exitCode: EXIT.usage,
  });
}

/** `unknown option "--too"`, with a "did you mean" when a known option is one typo away. */
export function unknownOptionMessage(typed: string, suggestion: string | undefined): string {
  return `unknown option "${typed}"${suggestion ? `, did you mean ${suggestion}?` : ""}`;
}
