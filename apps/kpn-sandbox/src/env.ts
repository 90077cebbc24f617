import { z } from "zod";
import { SandboxOptionsError } from "./errors.js";
import { describeIssues, sandboxFaultsSchema } from "./faults.js";
import type { SandboxFaults, SandboxOptions } from "./types.js";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** The sandbox's configuration as read from the environment. */
export type SandboxEnv = SandboxOptions & {
  /** `SANDBOX_PORT`, @default 8085 */
  port: number;
  /** `SANDBOX_HOST`, @default "127.0.0.1" */
  host: string;
  /** `LOG_LEVEL`, @default "info" */
  logLevel: (typeof LOG_LEVELS)[number];
};

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const envSchema = z.object({
  SANDBOX_PORT: integer(0, 65_535).default(8085),
  SANDBOX_HOST: z.string().min(1).default("127.0.0.1"),
  SANDBOX_CLIENT_ID: z.string().min(1).default("sandbox"),
  SANDBOX_CLIENT_SECRET: z.string().min(1).default("sandbox"),
  SANDBOX_MAX_CONTENT_LENGTH: integer(1, 1_000_000).optional(),
  SANDBOX_MAX_MESSAGES: integer(1, 1_000_000).optional(),
  SANDBOX_FAULTS: z.string().optional(),
  SANDBOX_SEED: z
    .string()
    .regex(/^-?\d+$/, "must be a whole number")
    .transform(Number)
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});

function invalid(variable: string, detail: string, cause?: unknown): SandboxOptionsError {
  return new SandboxOptionsError("SANDBOX_INVALID_ENV", `Invalid ${variable}: ${detail}`, {
    cause,
  });
}

function parseFaults(raw: string | undefined): SandboxFaults {
  if (raw === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw invalid("SANDBOX_FAULTS", "not valid JSON", error);
  }
  const parsed = sandboxFaultsSchema.safeParse(json);
  if (!parsed.success) throw invalid("SANDBOX_FAULTS", describeIssues(parsed.error), parsed.error);
  return parsed.data;
}

/**
 * Reads the sandbox's configuration: `SANDBOX_PORT` (8085), `SANDBOX_HOST` (127.0.0.1),
 * `SANDBOX_CLIENT_ID` / `SANDBOX_CLIENT_SECRET` (sandbox / sandbox),
 * `SANDBOX_MAX_CONTENT_LENGTH` (1000), `SANDBOX_MAX_MESSAGES` (200), `SANDBOX_FAULTS` (JSON of
 * {@link SandboxFaults}), `SANDBOX_SEED` (overrides the faults' seed), `LOG_LEVEL` (info).
 * Empty values count as unset.
 * @throws SandboxOptionsError (`code: "SANDBOX_INVALID_ENV"`) whose message names the variable.
 */
export function parseSandboxEnv(env: NodeJS.ProcessEnv): SandboxEnv {
  const present = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value === "" ? [] : [[key, value]];
    }),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const variable = String(first?.path[0] ?? "environment");
    throw invalid(variable, first?.message ?? "invalid value", parsed.error);
  }
  const values = parsed.data;
  const faults = parseFaults(values.SANDBOX_FAULTS);
  if (values.SANDBOX_SEED !== undefined) faults.seed = values.SANDBOX_SEED;
  const result: SandboxEnv = {
    port: values.SANDBOX_PORT,
    host: values.SANDBOX_HOST,
    clientId: values.SANDBOX_CLIENT_ID,
    clientSecret: values.SANDBOX_CLIENT_SECRET,
    faults,
    logLevel: values.LOG_LEVEL,
  };
  if (values.SANDBOX_MAX_CONTENT_LENGTH !== undefined) {
    result.maxContentLength = values.SANDBOX_MAX_CONTENT_LENGTH;
  }
  if (values.SANDBOX_MAX_MESSAGES !== undefined) {
    result.maxMessages = values.SANDBOX_MAX_MESSAGES;
  }
  return result;
}
