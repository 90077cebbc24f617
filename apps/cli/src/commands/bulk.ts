import { isAbsolute, resolve } from "node:path";
import type { SmsProducer } from "@sms-relay/producer";
import { CliError, EXIT, usageError } from "../cli-error.js";
import { type Command, HELP_OPTION, parseCommandArgs, printHelp, printJson } from "../command.js";
import { type CsvRow, readCsvRows } from "../csv-rows.js";
import { createProgressBar } from "../progress-bar.js";
import { describeIssues, validationIssues } from "../validation-message.js";

/** Rows handed to `sendMany` at once: big enough to pipeline, small enough to report often. */
const CHUNK_SIZE = 500;

interface BulkSummary {
  accepted: { line: number; id: string; deduplicated: boolean }[];
  rejected: { line: number; error: string }[];
}

/** The producer's fields under the names of the CSV header. */
const COLUMN_OF_FIELD = { idempotencyKey: "key" } as const;

function errorText(error: unknown): string {
  const issues = validationIssues(error);
  if (issues) return describeIssues(issues, COLUMN_OF_FIELD);
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error);
}

async function sendChunk(producer: SmsProducer, rows: CsvRow[], summary: BulkSummary) {
  const { accepted, rejected } = await producer.sendMany(
    rows.map(({ line: _line, ...input }) => input),
  );
  const rejectedAt = new Set<number>();
  for (const { index, error } of rejected) {
    rejectedAt.add(index);
    summary.rejected.push({ line: rows[index]?.line ?? 0, error: errorText(error) });
  }
  // `accepted` lists the valid items in input order, so the rows not rejected line up with it.
  const acceptedRows = rows.filter((_, index) => !rejectedAt.has(index));
  accepted.forEach((result, position) => {
    summary.accepted.push({
      line: acceptedRows[position]?.line ?? 0,
      id: result.id,
      deduplicated: result.deduplicated,
    });
  });
}

/** `sms-relay bulk [--json] FILE.csv` */
export const bulkCommand: Command = {
  name: "bulk",
  summary: "queue one SMS per row of a CSV file",
  help: `
Usage: sms-relay bulk [--json] FILE.csv

Queues one SMS per row of a CSV file (UTF-8, comma-separated). The first line must be a
header naming the columns, in any order:
  to          recipient (required)
  content     the text (required)
  sender      sender name (optional; empty means the default sender)
  key         idempotency key (optional; a key seen before is not queued twice)
  ttlSeconds  lifetime in whole seconds, 1 to 604800 (optional): never sent after it, counted
              from when the row is queued
  expiresAt   the moment it is never sent after, an ISO date-time with offset at most a week
              ahead, e.g. 2030-01-01T12:00:00+01:00 (optional; give it or ttlSeconds, not both)

Valid rows are queued even when others are invalid. Prints a summary with the line number and
reason of every rejected row; exits 1 when any row was rejected. Shows progress on stderr when
it is a terminal.

Options:
  --json             print { accepted: [{ line, id, deduplicated }], rejected: [{ line, error }] }
  -h, --help         show this help

Example file:
  to,content,sender,ttlSeconds
  0612345678,"Your order has shipped",MyShop,
  0612345679,"Your code is 4711",MyShop,300
`,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(this, args, {
      ...HELP_OPTION,
      json: { type: "boolean" },
    });
    if (values.help) return printHelp(this, context);
    const [file, ...extra] = positionals;
    if (file === undefined) throw usageError(this.name, "the CSV FILE is missing");
    if (extra.length > 0) throw usageError(this.name, "one FILE at a time");
    const path = isAbsolute(file) ? file : resolve(context.config.invocationDir, file);

    const producer = await context.producer();
    const summary: BulkSummary = { accepted: [], rejected: [] };
    const bar = createProgressBar(context.io.stderr);
    // The bar shows what is done: after a chunk is sent, every row read so far is queued or
    // refused, so the share of the file up to the end of the last row read (not what the parser
    // has read ahead), with those counts.
    let totalBytes = 0;
    let readUpTo = 0;
    const label = () => `${summary.accepted.length} queued, ${summary.rejected.length} rejected`;
    let chunk: CsvRow[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const rows = chunk;
      chunk = [];
      try {
        await sendChunk(producer, rows, summary);
      } catch (error) {
        bar.done();
        const before = summary.accepted.length;
        throw new CliError(
          (error as { code?: string }).code ?? "BULK_FAILED",
          `${errorText(error)} (stopped at line ${rows[0]?.line}; ${before} rows before it were queued)`,
          { cause: error },
        );
      }
      bar.update(totalBytes > 0 ? readUpTo / totalBytes : 1, label());
    };
    for await (const row of readCsvRows(path, (progress) => {
      totalBytes = progress.totalBytes;
      readUpTo = progress.bytesRead;
    })) {
      if ("problem" in row) {
        summary.rejected.push({ line: row.line, error: row.problem });
        continue;
      }
      chunk.push(row);
      if (chunk.length >= CHUNK_SIZE) await flush();
    }
    await flush();
    bar.done();

    const total = summary.accepted.length + summary.rejected.length;
    if (total === 0) throw new CliError("CSV_EMPTY", `${file} has no rows below its header`);
    summary.rejected.sort((a, b) => a.line - b.line);
    if (values.json) {
      printJson(context, summary);
    } else {
      const duplicates = summary.accepted.filter((entry) => entry.deduplicated).length;
      const note = duplicates > 0 ? ` (${duplicates} already queued before)` : "";
      context.io.stdout.write(
        `accepted ${summary.accepted.length}${note}, rejected ${summary.rejected.length}\n`,
      );
      for (const { line, error } of summary.rejected) {
        context.io.stdout.write(`line ${line}: ${error}\n`);
      }
    }
    if (summary.rejected.length > 0) {
      throw new CliError(
        "BULK_REJECTED",
        `${summary.rejected.length} of ${total} rows rejected; the other ${summary.accepted.length} were queued`,
      );
    }
    return EXIT.ok;
  },
};
