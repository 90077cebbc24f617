import { type Logger, pino } from "pino";

/** Second line of defence: nothing should log these in the first place. */
const REDACTED_PATHS = [
  "password",
  "secret",
  "clientSecret",
  "kpnClientSecret",
  "authorization",
  "*.password",
  "*.secret",
  "*.clientSecret",
  "*.kpnClientSecret",
  "*.authorization",
];

/** JSON lines on stdout for the whole stack; parts log through `child({ component })`. */
export function createStackLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "sms-relay" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  });
}
