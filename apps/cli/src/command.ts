import { type ParseArgsConfig, parseArgs } from "node:util";
import type { SmsProducer } from "@sms-relay/producer";
import { usageError } from "./cli-error.js";
import type { CliConfig } from "./env.js";
import type { CliIo } from "./io.js";

/** What a command gets to run. */
export interface CommandContext {
  io: CliIo;
  config: CliConfig;
  /** Opens the producer once Redis has answered; the CLI closes it after the command. */
  producer(): Promise<SmsProducer>;
}

/** One `sms-relay` command. */
export interface Command {
  /** As typed: `send`, `dlq list`. */
  name: string;
  /** One line for the overview. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[], context: CommandContext): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

type ParsedArgs<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/** `--help` / `-h`, which every command takes. */
export const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** `node:util` `parseArgs`, strict, with its errors turned into usage errors naming the command. */
export function parseCommandArgs<const T extends Options>(
  command: Command,
  args: string[],
  options: T,
): ParsedArgs<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node appends advice on `--` to unknown options; the first sentence is the point.
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, "");
    throw usageError(command.name, message.split("\n")[0] ?? "bad arguments");
  }
}

/** Prints the command's help on stdout. */
export function printHelp(command: Command, context: CommandContext): number {
  context.io.stdout.write(`${command.help.trim()}\n`);
  return 0;
}

/** Writes one line of JSON on stdout. */
export function printJson(context: CommandContext, value: unknown): void {
  context.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
