import { type Logger, pino } from "pino";
import type { LogLevel } from "./env.js";

/**
 * Paths pino blanks out wherever they appear in a log object, as a second line of defence:
 * nothing should log these in the first place.
 */
const REDACTED_PATHS = [
  "kpnClientSecret",
  "clientSecret",
  "client_secret",
  "secret",
  "password",
  "authorization",
  "*.kpnClientSecret",
  "*.clientSecret",
  "*.client_secret",
  "*.secret",
  "*.password",
  "*.authorization",
  "config.kpnClientSecret",
];

/** JSON logs on stdout, with secrets redacted. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: "sms-relay-worker" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
