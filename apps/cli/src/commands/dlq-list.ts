import { maskMobileNumber } from "@sms-relay/sms";
import { EXIT, usageError } from "../cli-error.js";
import { type Command, HELP_OPTION, parseCommandArgs, printHelp, printJson } from "../command.js";
import { REASON_NAMES } from "../dead-letter-reasons.js";

function masked(to: unknown): string {
  if (typeof to !== "string") return "?";
  try {
    return maskMobileNumber(to);
  } catch {
    // Dead letters of reason "invalid" can hold numbers that never passed validation.
    return to.length > 8 ? `${to.slice(0, 4)}****${to.slice(-4)}` : "****";
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `sms-relay dlq list [--limit N] [--json]` */
export const dlqListCommand: Command = {
  name: "dlq list",
  summary: "list SMS in the dead-letter queue",
  help: `
Usage: sms-relay dlq list [--limit N] [--json]

Lists SMS that will not be sent, newest first: dead-letter id, when, why, recipient
(masked), attempts and the last error. Why is one of ${REASON_NAMES}
(see \`sms-relay dlq --help\`).

Options:
  --limit N          show at most N records (default 100)
  --json             print { total, records: [{ id, addedAt, data }] } with the full job data,
                     phone numbers unmasked
  -h, --help         show this help
`,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(this, args, {
      ...HELP_OPTION,
      limit: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) return printHelp(this, context);
    if (positionals.length > 0) throw usageError(this.name, `unexpected "${positionals[0]}"`);
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw usageError(this.name, `--limit must be a positive whole number, got "${values.limit}"`);
    }

    const { deadLetters } = await context.producer();
    const [total, records] = await Promise.all([
      deadLetters.count(),
      deadLetters.list({ start: 0, end: limit - 1 }),
    ]);
    if (values.json) {
      printJson(context, { total, records });
      return EXIT.ok;
    }
    if (records.length === 0) {
      context.io.stdout.write("the dead-letter queue is empty\n");
      return EXIT.ok;
    }
    const rows = records.map(({ id, data }) => [
      id,
      data.failedAt,
      data.reason,
      masked(data.message?.to),
      String(data.attemptsMade),
      oneLine(
        [data.error?.status, data.error?.code, data.error?.message].filter(Boolean).join(" "),
        80,
      ),
    ]);
    const header = ["ID", "FAILED AT", "REASON", "TO", "ATTEMPTS", "ERROR"];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
    );
    for (const row of [header, ...rows]) {
      const cells = row.map((cell, column) =>
        column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      );
      context.io.stdout.write(`${cells.join("  ")}\n`);
    }
    if (total > records.length) {
      context.io.stdout.write(`(${records.length} of ${total} shown; --limit to see more)\n`);
    }
    return EXIT.ok;
  },
};
