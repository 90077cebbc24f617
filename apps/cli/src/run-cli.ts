import type { SmsProducer } from "@sms-relay/producer";
import { CliError, EXIT, unknownOptionMessage, usageError } from "./cli-error.js";
import { closestWord } from "./closest-word.js";
import type { Command, CommandContext } from "./command.js";
import { bulkCommand } from "./commands/bulk.js";
import { dlqPurgeCommand, dlqRedriveCommand } from "./commands/dlq-change.js";
import { dlqListCommand } from "./commands/dlq-list.js";
import { sendCommand } from "./commands/send.js";
import { statusCommand } from "./commands/status.js";
import { reasonTable } from "./dead-letter-reasons.js";
import { parseCliEnv } from "./env.js";
import type { CliIo } from "./io.js";
import { ensureRedisReachable, redactRedisUrl } from "./redis-check.js";
import { cliVersion } from "./version.js";

/** Every command, by the words that select it. */
export const COMMANDS: readonly Command[] = [
  sendCommand,
  bulkCommand,
  statusCommand,
  dlqListCommand,
  dlqRedriveCommand,
  dlqPurgeCommand,
];

function commandList(commands: readonly Command[]): string {
  return commands.map((command) => `  ${command.name.padEnd(12)} ${command.summary}`).join("\n");
}

const OVERVIEW = `
Usage: sms-relay <command> [options]

Commands:
${commandList(COMMANDS)}

Options:
  -h, --help         show this help
  -v, --version      print the version

Run \`sms-relay help COMMAND\` (or \`sms-relay COMMAND --help\`) for a command's options.
Every command takes --json to print its result as JSON on stdout, and reads REDIS_URL
(default redis://127.0.0.1:6379) and SMS_QUEUE_PREFIX (default bull). Failures are one
line on stderr.

Exit codes:
  ${EXIT.ok}  success
  ${EXIT.failure}  the command failed: Redis unreachable, unknown id, rejected bulk rows, …
  ${EXIT.usage}  the command line is wrong: unknown command or option, a missing or bad value
`;

/** What the help of a word that starts several commands (`dlq`) says about them. */
const GROUP_INTROS = new Map<string, string>([
  [
    "dlq",
    `The dead-letter queue holds the SMS that will not be sent, each under the id of its SMS,\nwith the reason:\n${reasonTable()}`,
  ],
]);

/** The commands that `word` starts (`dlq` → `dlq list`, …), with their help. */
function commandGroup(word: string): { names: string; help: string } | undefined {
  const commands = COMMANDS.filter((command) => command.name.startsWith(`${word} `));
  if (commands.length === 0) return undefined;
  const names = commands.map((command) => command.name.slice(word.length + 1)).join("|");
  const intro = GROUP_INTROS.get(word);
  const help = `
Usage: sms-relay ${word} <${names}> [options]
${intro ? `\n${intro}\n` : ""}
Commands:
${commandList(commands)}

Run \`sms-relay ${word} <command> --help\` for its options.
`;
  return { names, help };
}

/** Options taken before any command. */
const TOP_LEVEL_OPTIONS = ["--help", "-h", "--version", "-v"];

/** The usage error for a command line whose first words select no command. */
function unknownCommand(
  first: string,
  second: string | undefined,
  group: { names: string } | undefined,
): CliError {
  if (!group) {
    if (first.startsWith("-")) {
      return usageError("", unknownOptionMessage(first, closestWord(first, TOP_LEVEL_OPTIONS)));
    }
    const words = [...new Set(COMMANDS.map((command) => command.name.split(" ")[0] ?? ""))];
    const guess = closestWord(first, [...words, "help"]);
    return usageError("", `unknown command "${first}"${guess ? `, did you mean ${guess}?` : ""}`);
  }
  const names = group.names.split("|");
  if (second?.startsWith("-")) {
    return usageError(first, unknownOptionMessage(second, closestWord(second, ["--help", "-h"])));
  }
  const guess = second === undefined ? undefined : closestWord(second, names);
  const hint = guess ? `, did you mean ${first} ${guess}?` : `: expected ${first} ${group.names}`;
  return usageError(first, `unknown command "${first} ${second}"${hint}`);
}

const isHelpFlag = (word: string | undefined) => word === "--help" || word === "-h";

function findCommand(args: string[]): { command: Command; rest: string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(" ");
    if (words.every((word, index) => args[index] === word)) {
      return { command, rest: args.slice(words.length) };
    }
  }
  return undefined;
}

const CONNECTION_FAILURE =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|Connection is closed|Stream isn't writeable/i;

/** One line for stderr, whatever was thrown. */
function describeFailure(error: unknown, redisUrl?: string): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  const { message } = (error ?? {}) as { message?: unknown };
  const text = typeof message === "string" && message !== "" ? message : String(error);
  const firstLine = text.split("\n")[0] ?? text;
  const { code } = (error ?? {}) as { code?: unknown };
  if (redisUrl && (code === "SMS_QUEUE_UNAVAILABLE" || CONNECTION_FAILURE.test(firstLine))) {
    return {
      message: `cannot reach Redis at ${redactRedisUrl(redisUrl)}: ${firstLine}`,
      exitCode: EXIT.failure,
    };
  }
  // SmsValidationError and the like: their message is already the one line to show.
  return { message: firstLine, exitCode: EXIT.failure };
}

/**
 * Runs the `sms-relay` command line `argv` (without `node` and the script) and resolves to the
 * exit code. Never throws: failures are one line on `io.stderr`.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), {
 *   stdout: process.stdout, stderr: process.stderr, env: process.env,
 * });
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let producer: SmsProducer | undefined;
  let redisUrl: string | undefined;
  try {
    const [first, second] = argv;
    if (first === "--version" || first === "-v") {
      io.stdout.write(`sms-relay ${cliVersion()}\n`);
      return EXIT.ok;
    }
    // `sms-relay help [command…]` is `sms-relay [command…] --help`.
    if (first === "help" && argv.length > 1) return await runCli([...argv.slice(1), "--help"], io);
    if (first === undefined || isHelpFlag(first) || first === "help") {
      (first === undefined ? io.stderr : io.stdout).write(`${OVERVIEW.trim()}\n`);
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    const group = commandGroup(first);
    if (group && (second === undefined || isHelpFlag(second))) {
      (second === undefined ? io.stderr : io.stdout).write(`${group.help.trim()}\n`);
      return second === undefined ? EXIT.usage : EXIT.ok;
    }
    const found = findCommand(argv);
    if (!found) throw unknownCommand(first, second, group);
    const config = parseCliEnv(io.env, io.cwd ?? process.cwd());
    redisUrl = config.redisUrl;
    const context: CommandContext = {
      io,
      config,
      async producer() {
        if (producer) return producer;
        await ensureRedisReachable(config.redisUrl);
        // Loaded on demand: `--help` and usage errors should not pay for BullMQ's start-up.
        const { SmsProducer } = await import("@sms-relay/producer");
        producer = new SmsProducer({
          connection: config.redisUrl,
          prefix: config.prefix,
          ...(config.defaultSender ? { defaultSender: config.defaultSender } : {}),
          ...(config.maxContentLength ? { maxContentLength: config.maxContentLength } : {}),
        });
        return producer;
      },
    };
    return await found.command.run(found.rest, context);
  } catch (error) {
    const { message, exitCode } = describeFailure(error, redisUrl);
    io.stderr.write(`sms-relay: ${message}\n`);
    return exitCode;
  } finally {
    await producer?.close().catch(() => {});
  }
}
