import { z } from "zod";

/** Log levels pino understands, plus `silent`. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Defaults of the variables every app reads. */
export const COMMON_ENV_DEFAULTS = {
  REDIS_URL: "redis://127.0.0.1:6379",
  LOG_LEVEL: "info",
} as const satisfies { REDIS_URL: string; LOG_LEVEL: LogLevel };

/**
 * The variables of `env` that have a value: empty (or blank) ones count as unset, as a shell's
 * `VAR=` usually means "no value". Values are trimmed.
 */
export function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const trimmed = value.trim();
    if (trimmed !== "") result[key] = trimmed;
  }
  return result;
}

/** A `redis://` or `rediss://` URL. */
export function redisUrlSchema() {
  return z
    .string()
    .default(COMMON_ENV_DEFAULTS.REDIS_URL)
    .refine(
      (value) => {
        try {
          return ["redis:", "rediss:"].includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { error: "must be a URL starting with redis:// or rediss://" },
    );
}

/**
 * A BullMQ key prefix: no `:` and no spaces. Its default is the producer's
 * (`PRODUCER_DEFAULTS.prefix`), passed in so that it is written in one place.
 */
export function queuePrefixSchema(fallback: string) {
  return z
    .string()
    .regex(/^[^:\s]+$/, { error: "must not contain ':' or spaces" })
    .default(fallback);
}

/** `LOG_LEVEL`. */
export function logLevelSchema() {
  return z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` })
    .default(COMMON_ENV_DEFAULTS.LOG_LEVEL);
}

/** `1`/`0`/`true`/`false` (any case), as a boolean. @param fallback @default false */
export function flagSchema(fallback = false) {
  return z
    .string()
    .toLowerCase()
    .pipe(z.enum(["0", "1", "true", "false"], { error: "must be 1 or 0" }))
    .transform((value) => value === "1" || value === "true")
    .default(fallback);
}

/** A whole number in `[min, max]`, with a default. */
export function integerSchema(fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) {
  return optionalIntegerSchema(min, max).unwrap().default(fallback);
}

/** A whole number in `[min, max]`, or unset (when its default follows from other variables). */
export function optionalIntegerSchema(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .optional();
}
