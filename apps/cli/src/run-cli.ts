import type { SmsProducer } from "@sms-relay/producer";
import { CliError, EXIT, usageError } from "./cli-error.js";
import type { Command, CommandContext } from "./command.js";
import { bulkCommand } from "./commands/bulk.js";
import { dlqPurgeCommand, dlqRedriveCommand } from "./commands/dlq-change.js";
import { dlqListCommand } from "./commands/dlq-list.js";
import { sendCommand } from "./commands/send.js";
import { statusCommand } from "./commands/status.js";
import { parseCliEnv } from "./env.js";
import type { CliIo } from "./io.js";
import { ensureRedisReachable, redactRedisUrl } from "./redis-check.js";

/** Every command, by the words that select it. */
export const COMMANDS: readonly Command[] = [
  sendCommand,
  bulkCommand,
  statusCommand,
  dlqListCommand,
  dlqRedriveCommand,
  dlqPurgeCommand,
];

const OVERVIEW = `
Usage: sms-relay <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(12)} ${command.summary}`).join("\n")}

Every command reads REDIS_URL (default redis://127.0.0.1:6379) and SMS_QUEUE_PREFIX
(default bull). Run \`sms-relay <command> --help\` for its options.
`;

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
    const [first] = argv;
    if (first === undefined || first === "--help" || first === "-h" || first === "help") {
      (first === undefined ? io.stderr : io.stdout).write(`${OVERVIEW.trim()}\n`);
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    const found = findCommand(argv);
    if (!found) {
      const group = first === "dlq" ? "dlq list|redrive|purge" : "";
      throw usageError(
        "",
        `unknown command "${argv.slice(0, first === "dlq" ? 2 : 1).join(" ")}"${group ? `: expected ${group}` : ""}`,
      );
    }
    const config = parseCliEnv(io.env);
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
