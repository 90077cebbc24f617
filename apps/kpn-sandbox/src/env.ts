import { z } from "zod";
import { sandboxDeliveryReportsSchema } from "./delivery-settings.js";
import { SandboxOptionsError } from "./errors.js";
import { describeIssues, sandboxFaultsSchema } from "./faults.js";
import type { SandboxDeliveryReports, SandboxFaults, SandboxOptions } from "./types.js";

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

const decimal = z
  .string()
  .regex(/^\d+(?:\.\d+)?$/, "must be a number such as 0.25")
  .transform(Number);

/** The variables that set one delivery report setting each, over `SANDBOX_DLR`. */
const DLR_VARIABLES = {
  SANDBOX_WEBHOOK_KEY_ID: "keyId",
  SANDBOX_WEBHOOK_SECRET: "secret",
  SANDBOX_DLR_DELAY_MS: "delayMs",
  SANDBOX_DLR_TIME_SCALE: "timeScale",
  SANDBOX_DLR_FAILED_SHARE: "failedShare",
  SANDBOX_DLR_EXPIRED_SHARE: "expiredShare",
} as const satisfies Record<string, keyof SandboxDeliveryReports>;

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
  SANDBOX_DLR: z.string().optional(),
  SANDBOX_WEBHOOK_KEY_ID: z.string().min(1).optional(),
  SANDBOX_WEBHOOK_SECRET: z.string().min(1).optional(),
  SANDBOX_DLR_DELAY_MS: integer(0, 3_600_000).optional(),
  SANDBOX_DLR_TIME_SCALE: decimal.optional(),
  SANDBOX_DLR_FAILED_SHARE: decimal.optional(),
  SANDBOX_DLR_EXPIRED_SHARE: decimal.optional(),
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

function parseDeliveryReports(
  values: z.infer<typeof envSchema>,
  seed: number | undefined,
): SandboxDeliveryReports {
  let json: Record<string, unknown> = {};
  if (values.SANDBOX_DLR !== undefined) {
    try {
      json = JSON.parse(values.SANDBOX_DLR);
    } catch (error) {
      throw invalid("SANDBOX_DLR", "not valid JSON", error);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw invalid("SANDBOX_DLR", "must be a JSON object of delivery report settings");
    }
  }
  const merged: Record<string, unknown> = { ...json };
  if (seed !== undefined) merged.seed = seed;
  const fieldVariables = new Map<string, string>();
  for (const [variable, field] of Object.entries(DLR_VARIABLES)) {
    const value = values[variable as keyof typeof DLR_VARIABLES];
    if (value === undefined) continue;
    merged[field] = value;
    fieldVariables.set(field, variable);
  }
  const parsed = sandboxDeliveryReportsSchema.safeParse(merged);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? "");
    const variable = fieldVariables.get(field) ?? "SANDBOX_DLR";
    throw invalid(variable, describeIssues(parsed.error), parsed.error);
  }
  return parsed.data;
}

/**
 * Reads the sandbox's configuration: `SANDBOX_PORT` (8085), `SANDBOX_HOST` (127.0.0.1),
 * `SANDBOX_CLIENT_ID` / `SANDBOX_CLIENT_SECRET` (sandbox / sandbox),
 * `SANDBOX_MAX_CONTENT_LENGTH` (1000), `SANDBOX_MAX_MESSAGES` (200), `SANDBOX_FAULTS` (JSON of
 * {@link SandboxFaults}), `SANDBOX_SEED` (overrides the seeds of faults and delivery reports),
 * `SANDBOX_DLR` (JSON of {@link SandboxDeliveryReports}), over which `SANDBOX_WEBHOOK_KEY_ID`
 * (sandbox-key), `SANDBOX_WEBHOOK_SECRET` (sandbox-webhook-secret), `SANDBOX_DLR_DELAY_MS` (0),
 * `SANDBOX_DLR_TIME_SCALE` (1), `SANDBOX_DLR_FAILED_SHARE` (0) and `SANDBOX_DLR_EXPIRED_SHARE`
 * (0) win, and `LOG_LEVEL` (info).
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
    deliveryReports: parseDeliveryReports(values, values.SANDBOX_SEED),
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
