import { type ParseArgsConfig, parseArgs } from "node:util";
import type { SmsProducer } from "@sms-relay/producer";
import { unknownOptionMessage, usageError } from "./cli-error.js";
import { closestWord } from "./closest-word.js";
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

/** The names an option answers to: `--limit`, and `-h` for one with a short form. */
function optionNames(options: Options): string[] {
  return Object.entries(options).flatMap(([name, option]) =>
    option.short ? [`--${name}`, `-${option.short}`] : [`--${name}`],
  );
}

/**
 * The first mistake on the command line, in the CLI's words (`unknown option "--too", did you
 * mean --to?`, `--to needs a value`, `--json takes no value`), or `undefined`. Found from the
 * tokens of a lenient parse rather than from `parseArgs`' messages, whose wording is Node's.
 */
function commandLineMistake(args: string[], options: Options): string | undefined {
  const { tokens } = parseArgs({
    args,
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const option = options[token.name];
    // A known option is named by its long form, also when its short form was typed.
    const shown = option ? `--${token.name}` : token.rawName;
    if (!option) {
      const typed = token.rawName;
      return unknownOptionMessage(typed, closestWord(typed, optionNames(options)));
    }
    if (option.type === "string" && token.value === undefined) return `${shown} needs a value`;
    // Strict parsing refuses `--to -x` as ambiguous: say what was taken for the value.
    if (option.type === "string" && !token.inlineValue && token.value?.startsWith("-")) {
      return `${shown} needs a value, got "${token.value}"; write ${shown}=${token.value} if that is the value`;
    }
    if (option.type === "boolean" && token.value !== undefined) return `${shown} takes no value`;
  }
  return undefined;
}

/**
 * `node:util` `parseArgs`, strict, with any mistake turned into a usage error naming the
 * command: one line, the CLI's wording, pointing at the command's `--help`.
 */
export function parseCommandArgs<const T extends Options>(
  command: Command,
  args: string[],
  options: T,
): ParsedArgs<T> {
  const mistake = commandLineMistake(args, options);
  if (mistake !== undefined) throw usageError(command.name, mistake);
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Whatever the lenient parse let through, in Node's words made to look like ours.
    const first = ((error as Error).message.split(/\.(\s|$)/)[0] ?? "").trim() || "bad arguments";
    const message = first.charAt(0).toLowerCase() + first.slice(1);
    throw usageError(command.name, message.replaceAll("'", '"'), { cause: error });
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
