import { type DestinationStream, type Logger, pino } from "pino";

/**
 * Paths pino blanks out wherever they appear in a log object, in every app: a second line of
 * defence, since nothing should log these in the first place.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  "password",
  "secret",
  "clientSecret",
  "client_secret",
  "kpnClientSecret",
  "authorization",
  "*.password",
  "*.secret",
  "*.clientSecret",
  "*.client_secret",
  "*.kpnClientSecret",
  "*.authorization",
  "config.kpnClientSecret",
];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The `service` field of every line, e.g. `"sms-relay-worker"`. */
  service: string;
  /** A pino level or `silent`. @default "info" */
  level?: string;
  /** Where lines go. @default stdout */
  destination?: NodeJS.WritableStream;
}

/** JSON lines with the one redaction list of the project. */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level ?? "info",
    base: { service: options.service },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: "[redacted]" },
  };
  return options.destination
    ? pino(settings, options.destination as DestinationStream)
    : pino(settings);
}
