import type { WorkerProcess } from "./worker-process.js";

/** What must never appear in a worker's output at the log levels the tests run with. */
export interface LeakCheck {
  /** Secrets, such as the KPN client secret. */
  secrets: readonly string[];
  /** A phrase every message content holds (content belongs at debug level only). */
  contentMarker: string;
}

// A Dutch mobile number written out in full, in any of its usual forms. The masked form
// (`+316****5678`) does not match.
const FULL_MOBILE_NUMBER = /(?:\+31|0031|\b0)6\d{8}\b/;

/**
 * Lines of the workers' output (JSON logs and anything else) that give away a secret, a full
 * phone number or message content. Each finding names the worker and quotes the line, cut short.
 */
export function findLogLeaks(
  workers: ReadonlyArray<Pick<WorkerProcess, "name" | "logs" | "otherOutput">>,
  check: LeakCheck,
): string[] {
  const findings: string[] = [];
  for (const worker of workers) {
    const lines = [
      ...worker.logs.map((line) => JSON.stringify(line)),
      ...worker.otherOutput.join("").split("\n"),
    ];
    for (const line of lines) {
      const what = check.secrets.some((secret) => line.includes(secret))
        ? "secret"
        : FULL_MOBILE_NUMBER.test(line)
          ? "phone number"
          : line.includes(check.contentMarker)
            ? "message content"
            : undefined;
      if (what) findings.push(`${worker.name}: ${what} in ${line.slice(0, 300)}`);
    }
  }
  return findings;
}
