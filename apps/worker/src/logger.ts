import { createLogger as createAppLogger, type LogLevel } from "@sms-relay/runtime";
import type { Logger } from "pino";

/** JSON logs on stdout (or `destination`), with the project's redaction list. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return createAppLogger({
    service: "sms-relay-worker",
    level,
    ...(destination ? { destination } : {}),
  });
}
