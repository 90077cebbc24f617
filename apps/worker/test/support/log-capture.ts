import { Writable } from "node:stream";
import { type Logger, pino } from "pino";

/** A pino logger that keeps its JSON lines in memory, for assertions on what was logged. */
export interface LogCapture {
  logger: Logger;
  lines: Record<string, unknown>[];
  /** Every line as raw text, to check that something never appears. */
  text(): string;
}

export function captureLogs(level = "debug"): LogCapture {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split("\n")) {
        if (line.trim() === "") continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { logger: pino({ level }, stream), lines, text: () => raw.join("\n") };
}
