import { type DestinationStream, type Logger, pino } from "pino";
import { isColorSupported, prettyFactory } from "pino-pretty";

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

/**
 * How log lines look: `json`, one JSON object a line, for machines (a container's log, a
 * collector, `jq`); `pretty`, pino-pretty's one line a message with the time and level first,
 * for people at a terminal. Both carry the same fields, redacted alike.
 */
export type LogFormat = "json" | "pretty";

/**
 * The format for a destination: `pretty` when it is a terminal, `json` otherwise (a pipe, a
 * file, a container without a TTY), so that `… | jq` and log collectors always get JSON.
 *
 * @example
 * createLogger({ service: "sms-relay", format: logFormatFor(process.stdout) });
 */
export function logFormatFor(destination: { isTTY?: boolean }): LogFormat {
  return destination.isTTY === true ? "pretty" : "json";
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The `service` field of every line, e.g. `"sms-relay-worker"`. */
  service: string;
  /** A pino level or `silent`. @default "info" */
  level?: string;
  /** Where lines go. @default stdout */
  destination?: NodeJS.WritableStream;
  /** See {@link LogFormat} and {@link logFormatFor}. @default "json" */
  format?: LogFormat;
}

/**
 * pino-pretty as a plain synchronous function in front of the destination, rather than its
 * stream pipeline or a transport thread: a line logged just before `process.exit` still shows.
 * Colours follow the terminal (`NO_COLOR`, `FORCE_COLOR`); a `component` field (the stack's
 * parts) leads the message.
 */
function prettyDestination(destination: NodeJS.WritableStream | undefined): DestinationStream {
  const prettify = prettyFactory({
    colorize: isColorSupported,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,service,component",
    messageFormat: "{if component}[{component}] {end}{msg}",
    singleLine: true,
  });
  const out = destination ?? pino.destination({ dest: 1, sync: true });
  return { write: (line: string) => out.write(prettify(line)) };
}

/** Log lines (JSON unless `format` says otherwise) with the one redaction list of the project. */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level ?? "info",
    base: { service: options.service },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: "[redacted]" },
  };
  if (options.format === "pretty") return pino(settings, prettyDestination(options.destination));
  return options.destination
    ? pino(settings, options.destination as DestinationStream)
    : pino(settings);
}
