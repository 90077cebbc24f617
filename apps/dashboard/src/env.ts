import { PRODUCER_DEFAULTS } from "@sms-relay/producer";
import {
  logLevelSchema,
  queuePrefixSchema,
  redisUrlSchema,
  withoutEmpty,
} from "@sms-relay/runtime";
import { z } from "zod";

/** Where the dashboard listens, who may see it and what it may change. */
export interface DashboardConfig {
  /** `DASHBOARD_PORT`. @default 3000 */
  port: number;
  /**
   * `DASHBOARD_HOST`. Loopback by default so that a local run is never reachable from the network;
   * containers set `0.0.0.0`.
   * @default "127.0.0.1"
   */
  host: string;
  /** From `DASHBOARD_USER` + `DASHBOARD_PASSWORD`; `false` when `DASHBOARD_AUTH=off`. */
  auth: DashboardCredentials | false;
  /** `DASHBOARD_READ_ONLY=1`: no retry, clean, remove, pause or add. @default false */
  readOnly: boolean;
  /** `REDIS_URL`. @default "redis://127.0.0.1:6379" */
  redisUrl: string;
  /** `SMS_QUEUE_PREFIX`. @default "bull" */
  prefix: string;
  /** `LOG_LEVEL`. @default "info" */
  logLevel: string;
  /**
   * `DASHBOARD_TRUST_PROXY`: Express's `trust proxy` behind a reverse proxy: a number of hops,
   * `true`/`false`, or comma-separated addresses or subnets (`loopback`, `10.0.0.0/8`).
   * @default false
   */
  trustProxy: boolean | number | string;
  /**
   * `KPN_MAX_CONTENT_LENGTH`, as the worker's: how many messages an SMS not sent yet will be.
   * @default 1000
   */
  maxContentLength: number;
}

/** HTTP basic auth credentials. */
export interface DashboardCredentials {
  user: string;
  password: string;
}

/** A variable of the dashboard's environment is missing or malformed. */
export class DashboardConfigError extends Error {
  override readonly name = "DashboardConfigError";
  /** Always `"DASHBOARD_CONFIG"`. */
  readonly code = "DASHBOARD_CONFIG";
  /** The environment variable at fault. */
  readonly variable: string;

  constructor(variable: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.variable = variable;
  }
}

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""]))
  .transform((value) => ["1", "true", "yes", "on"].includes(value));

const schema = z.object({
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DASHBOARD_HOST: z.string().trim().min(1).default("127.0.0.1"),
  DASHBOARD_USER: z.string().optional(),
  DASHBOARD_PASSWORD: z.string().optional(),
  DASHBOARD_AUTH: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["on", "off", ""]))
    .default("on"),
  DASHBOARD_READ_ONLY: flag.default(false),
  REDIS_URL: redisUrlSchema(),
  SMS_QUEUE_PREFIX: queuePrefixSchema(PRODUCER_DEFAULTS.prefix),
  LOG_LEVEL: logLevelSchema(),
  KPN_MAX_CONTENT_LENGTH: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(PRODUCER_DEFAULTS.maxContentLength),
  DASHBOARD_TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]+$/, "must be a number of hops, true, false, or addresses/subnets")
    .default("false")
    .transform((value): boolean | number | string => {
      if (value === "true" || value === "false") return value === "true";
      return /^\d+$/.test(value) ? Number(value) : value;
    }),
});

/**
 * Reads the dashboard configuration from an environment (`process.env` in `main.ts`).
 * Throws {@link DashboardConfigError} naming the variable when a value is bad, or when
 * credentials are missing while authentication is on.
 */
export function parseDashboardEnv(env: Record<string, string | undefined>): DashboardConfig {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    throw new DashboardConfigError(
      variable,
      `invalid ${variable}: ${issue?.message ?? "bad value"}`,
      { cause: parsed.error },
    );
  }
  const values = parsed.data;
  let auth: DashboardCredentials | false = false;
  if (values.DASHBOARD_AUTH !== "off") {
    const { DASHBOARD_USER: user, DASHBOARD_PASSWORD: password } = values;
    if (user === undefined || password === undefined) {
      const missing = user === undefined ? "DASHBOARD_USER" : "DASHBOARD_PASSWORD";
      throw new DashboardConfigError(
        missing,
        `${missing} is not set: set both DASHBOARD_USER and DASHBOARD_PASSWORD, or DASHBOARD_AUTH=off to run without authentication`,
      );
    }
    if (user.includes(":")) {
      throw new DashboardConfigError(
        "DASHBOARD_USER",
        "invalid DASHBOARD_USER: HTTP basic auth does not allow ':' in a user name",
      );
    }
    auth = { user, password };
  }
  return {
    port: values.DASHBOARD_PORT,
    host: values.DASHBOARD_HOST,
    auth,
    readOnly: values.DASHBOARD_READ_ONLY,
    redisUrl: values.REDIS_URL,
    prefix: values.SMS_QUEUE_PREFIX,
    logLevel: values.LOG_LEVEL,
    trustProxy: values.DASHBOARD_TRUST_PROXY,
    maxContentLength: values.KPN_MAX_CONTENT_LENGTH,
  };
}
