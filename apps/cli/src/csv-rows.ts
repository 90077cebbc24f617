import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { MAX_TTL_SECONDS } from "@sms-relay/producer";
import { parse } from "csv-parse";
import { CliError } from "./cli-error.js";

/** One data row of a bulk file. */
export interface CsvRow {
  /** Line of the file where the row ends (the header is line 1). */
  line: number;
  to: string;
  content: string;
  sender?: string;
  idempotencyKey?: string;
  ttlSeconds?: number;
  /** As written; the producer checks it (an ISO date-time with offset, at most a week ahead). */
  expiresAt?: string;
}

/** A data row refused before it reaches the producer, with the one-line reason. */
export interface CsvRowProblem {
  line: number;
  problem: string;
}

const REQUIRED = ["to", "content"] as const;
const OPTIONAL = ["sender", "key", "ttlSeconds", "expiresAt"] as const;
/** Header names are matched without regard to case; the parser's records use these. */
const KNOWN: readonly string[] = [...REQUIRED, ...OPTIONAL].map((name) => name.toLowerCase());

/**
 * Checks the header row: `to` and `content` required, `sender`, `key`, `ttlSeconds` and
 * `expiresAt` optional, any order, any case.
 */
function readHeader(header: string[]): string[] {
  const columns = header.map((name) => name.trim().toLowerCase());
  const unknown = columns.filter((name) => !KNOWN.includes(name));
  if (unknown.length > 0) {
    throw new CliError(
      "CSV_HEADER",
      `unknown column ${unknown.map((name) => `"${name}"`).join(", ")} in the header row: expected to,content[,sender][,key][,ttlSeconds][,expiresAt]`,
    );
  }
  const missing = REQUIRED.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw new CliError(
      "CSV_HEADER",
      `the header row lacks ${missing.join(" and ")}: the first line must name the columns, e.g. to,content,sender`,
    );
  }
  return columns;
}

/** Progress through the file, for the progress bar. */
export interface CsvProgress {
  /** Where the row just read ends in the file (the parser reads ahead of it). */
  bytesRead: number;
  totalBytes: number;
}

/**
 * `ttlSeconds` as written: empty is none, digits are a number (the producer checks the range),
 * anything else gives the problem as a string. The value is not quoted back: in a shifted row
 * it could be a phone number or a message text.
 */
function ttlOf(value: string | undefined): number | string | undefined {
  const text = value?.trim() ?? "";
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  return `ttlSeconds: must be a whole number of seconds, 1 to ${MAX_TTL_SECONDS}`;
}

/**
 * Streams the rows of a bulk CSV file (UTF-8, BOM allowed, `,` separated, a header row
 * naming the columns). Empty lines are skipped; a row with too few fields keeps them empty,
 * so that the producer reports it as invalid. A `ttlSeconds` that is not a whole number comes
 * as a {@link CsvRowProblem}, so that the row is refused rather than queued without expiry.
 * `onProgress` is called for each row, before it is yielded, with where that row ends.
 */
export async function* readCsvRows(
  path: string,
  onProgress?: (progress: CsvProgress) => void,
): AsyncGenerator<CsvRow | CsvRowProblem> {
  let totalBytes: number;
  try {
    totalBytes = (await stat(path)).size;
  } catch (error) {
    throw new CliError("CSV_READ", `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const stream = createReadStream(path);
  const parser = stream.pipe(
    parse({
      bom: true,
      columns: readHeader,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }),
  );
  // Read errors surface on the file stream, which `pipe` does not forward.
  stream.on("error", (error) => parser.destroy(error));
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string | undefined>;
      info: { lines: number; bytes: number };
    }>) {
      onProgress?.({ bytesRead: info.bytes, totalBytes });
      const sender = record.sender?.trim();
      const key = record.key?.trim();
      const ttlSeconds = ttlOf(record.ttlseconds);
      if (typeof ttlSeconds === "string") {
        yield { line: info.lines, problem: ttlSeconds };
        continue;
      }
      const expiresAt = record.expiresat?.trim();
      yield {
        line: info.lines,
        to: record.to ?? "",
        content: record.content ?? "",
        ...(sender ? { sender } : {}),
        ...(key ? { idempotencyKey: key } : {}),
        ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
        ...(expiresAt ? { expiresAt } : {}),
      };
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const { message } = error as Error;
    throw new CliError("CSV_PARSE", `cannot read ${path}: ${message}`, { cause: error });
  } finally {
    stream.destroy();
  }
}
