import { logLevelSchema, withoutEmpty } from "@sms-relay/runtime";
import { z } from "zod";

/** What the stack itself decides from the environment; the parts read the rest. */
export interface StackEnv {
  /** `REDIS_URL`: when set, used as is; when unset, the stack finds or starts a Redis. */
  redisUrl?: string;
  /** `KPN_CLIENT_ID` and `KPN_CLIENT_SECRET`: both set means the real API, neither the sandbox. */
  kpnCredentials?: { clientId: string; clientSecret: string };
  /** `KPN_MAX_CONTENT_LENGTH`, when set. */
  kpnMaxContentLength?: number;
  /** `DASHBOARD_USER` / `DASHBOARD_PASSWORD`, when both are set. */
  dashboardCredentials?: { user: string; password: string };
  /** `DASHBOARD_AUTH=off`. @default false */
  dashboardAuthOff: boolean;
  /** `LOG_LEVEL`. @default "info" */
  logLevel: string;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: set, the stack starts the OpenTelemetry SDK for its parts. */
  otelExporterEndpoint?: string;
  /** Every variable, for the parts (`parseWorkerEnv`, `parseDashboardEnv`, `parseSandboxEnv`). */
  variables: Record<string, string | undefined>;
}

/** A bad or half-given setting; `main` prints it on one line and exits 1. */
export class StackConfigError extends Error {
  override readonly name = "StackConfigError";
  /** Always `"STACK_CONFIG"`. */
  readonly code = "STACK_CONFIG";
}

const schema = z.object({
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .optional(),
  KPN_CLIENT_ID: z.string().optional(),
  KPN_CLIENT_SECRET: z.string().optional(),
  KPN_MAX_CONTENT_LENGTH: z.coerce.number().int().positive().optional(),
  DASHBOARD_USER: z.string().optional(),
  DASHBOARD_PASSWORD: z.string().optional(),
  DASHBOARD_AUTH: z.string().trim().toLowerCase().optional(),
  LOG_LEVEL: logLevelSchema(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .regex(/^https?:\/\//, "must be a URL starting with https:// or http://")
    .optional(),
});

/** Reads the stack's environment (`process.env` in `main.ts`). */
export function parseStackEnv(env: Record<string, string | undefined>): StackEnv {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    throw new StackConfigError(`invalid ${variable}: ${issue?.message ?? "bad value"}`);
  }
  const values = parsed.data;
  const { KPN_CLIENT_ID: clientId, KPN_CLIENT_SECRET: clientSecret } = values;
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new StackConfigError(
      `${clientId === undefined ? "KPN_CLIENT_ID" : "KPN_CLIENT_SECRET"} is not set: set both KPN_CLIENT_ID and KPN_CLIENT_SECRET for the real KPN API, or neither for sandbox mode`,
    );
  }
  const { DASHBOARD_USER: user, DASHBOARD_PASSWORD: password } = values;
  return {
    ...(values.REDIS_URL ? { redisUrl: values.REDIS_URL } : {}),
    ...(clientId && clientSecret ? { kpnCredentials: { clientId, clientSecret } } : {}),
    ...(values.KPN_MAX_CONTENT_LENGTH
      ? { kpnMaxContentLength: values.KPN_MAX_CONTENT_LENGTH }
      : {}),
    ...(user !== undefined && password !== undefined
      ? { dashboardCredentials: { user, password } }
      : {}),
    dashboardAuthOff: values.DASHBOARD_AUTH === "off",
    logLevel: values.LOG_LEVEL,
    ...(values.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { otelExporterEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT }
      : {}),
    variables: { ...env },
  };
}
