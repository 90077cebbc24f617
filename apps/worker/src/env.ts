import { PRODUCER_DEFAULTS as DEFAULTS, prefixHasHashTag } from "@sms-relay/producer";
import {
  describeEnvIssues,
  flagSchema,
  integerSchema,
  LOG_LEVELS,
  type LogLevel,
  logLevelSchema,
  optionalIntegerSchema,
  queuePrefixSchema,
  redactUrl,
  redisUrlSchema,
  withoutEmpty,
} from "@sms-relay/runtime";
import { validateSender } from "@sms-relay/sms";
import { z } from "zod";

/** The worker's configuration, parsed from the environment by {@link parseWorkerEnv}. */
export interface WorkerConfig {
  /** `REDIS_URL`: Redis, or a cluster seed when `redisCluster` is on. @default "redis://127.0.0.1:6379" */
  redisUrl: string;
  /** `REDIS_CLUSTER=1`: connect with an ioredis Cluster. @default false */
  redisCluster: boolean;
  /** `SMS_QUEUE_PREFIX`: BullMQ key prefix; with `REDIS_CLUSTER=1` it must hold a hash tag such as `{sms}`. @default "bull" */
  queuePrefix: string;
  /** `KPN_BASE_URL`: API base. @default "https://api-prd.kpn.com" */
  kpnBaseUrl: string;
  /** `KPN_SEND_PATH`: send path. @default "/communication/kpn/sms/send" */
  kpnSendPath: string;
  /** `KPN_CLIENT_ID` (required). */
  kpnClientId: string;
  /** `KPN_CLIENT_SECRET` (required). Never logged: use {@link redactWorkerConfig} before logging. */
  kpnClientSecret: string;
  /** `KPN_MAX_CONTENT_LENGTH`: per-message content limit of the account. @default 1000 */
  kpnMaxContentLength: number;
  /** `KPN_TIMEOUT_MS`: whole-request timeout. @default 10000 */
  kpnTimeoutMs: number;
  /** `SMS_DEFAULT_SENDER`: sender when a job names none. @default "SMSRelay" */
  defaultSender: string;
  /** `SMS_MAX_SEGMENTS`: longer content is dead-lettered as `invalid`. @default 10 */
  maxSegments: number;
  /**
   * `WORKER_CONCURRENCY`: jobs in flight per worker process. Unset, eight batches' worth, so that
   * batches fill while others wait for their answers: `max(50, 8 × SMS_BATCH_SIZE)`, 1,600 with
   * the default batch size, 50 with `SMS_BATCH_SIZE=1`.
   */
  concurrency: number;
  /**
   * `SMS_BATCH_SIZE`: most SMS (messages × recipients) in one API request, 1 to 200; 1 sends
   * each SMS alone. @default 200
   */
  batchSize: number;
  /** `SMS_BATCH_WAIT_MS`: longest a ready SMS waits for others to share its request. @default 20 */
  batchWaitMs: number;
  /** `SMS_RATE_LIMIT_PER_SECOND`: API requests across all workers in any sliding second; 0 is off. @default 0 */
  rateLimitPerSecond: number;
  /** `SMS_MAX_ATTEMPTS`: attempts before a job is dead-lettered as `exhausted`. @default 10 */
  maxAttempts: number;
  /** `SMS_BACKOFF_MS`: first retry delay, doubled per attempt, with jitter. @default 2000 */
  backoffMs: number;
  /** `SMS_BACKOFF_MAX_MS`: cap of the retry delay. @default 600000 */
  backoffMaxMs: number;
  /** `SMS_KEEP_COMPLETED_SECONDS`: retention of finished jobs (and the idempotency window). @default 604800 */
  keepCompletedSeconds: number;
  /** `HEALTH_PORT`: port of `/healthz`, `/readyz`, `/metrics`; 0 picks a free port. @default 9464 */
  healthPort: number;
  /** `SHUTDOWN_GRACE_MS`: time in-flight jobs get to finish on SIGTERM/SIGINT. @default 25000 */
  shutdownGraceMs: number;
  /**
   * `SMS_DLR_URL`: base URL at which KPN reaches the receipts app (`https://…/kpn/dlr`); each
   * request then carries `webhook_url` = this + `/` + a reference. @default none: no reports
   */
  dlrUrl?: string;
  /** `SMS_CALLBACK_SECRET`: HMAC key of status callbacks; without it none are sent. Never logged. */
  callbackSecret?: string;
  /** `SMS_CALLBACK_BACKOFF_MS`: first retry of a status callback, doubled up to an hour. @default 5000 */
  callbackBackoffMs: number;
  /** `LOG_LEVEL`: pino level. @default "info" */
  logLevel: LogLevel;
  /**
   * `OTEL_EXPORTER_OTLP_ENDPOINT`: where OpenTelemetry traces go (OTLP over HTTP, e.g.
   * `http://collector:4318`). Set, the worker starts the SDK, which reads the other standard
   * `OTEL_*` variables itself. @default none: no traces, nothing set up
   */
  otelExporterEndpoint?: string;
}

/** Thrown by {@link parseWorkerEnv} when a variable is missing or has a bad value. */
export class WorkerConfigError extends Error {
  override readonly name = "WorkerConfigError";
  /** Always `"WORKER_CONFIG_INVALID"`. */
  readonly code = "WORKER_CONFIG_INVALID";
  /** The environment variables at fault, in the order the schema lists them. */
  readonly variables: string[];

  constructor(message: string, variables: string[], options?: { cause?: unknown }) {
    super(message, options);
    this.variables = variables;
  }
}

/** Variables whose values must never appear in a message or a log line. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set(["KPN_CLIENT_SECRET", "SMS_CALLBACK_SECRET"]);

function url(fallback: string, protocols: readonly string[]) {
  return z
    .string()
    .default(fallback)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
    );
}

const integer = integerSchema;

function isValidSender(value: string): boolean {
  try {
    validateSender(value);
    return true;
  } catch {
    return false;
  }
}

const required = z.string({ error: "is required" }).min(1, { error: "is required" });

/** The schema of every variable the worker reads, with the defaults of the public contract. */
export const workerEnvSchema = z.object({
  REDIS_URL: redisUrlSchema(),
  REDIS_CLUSTER: flagSchema(),
  SMS_QUEUE_PREFIX: queuePrefixSchema(DEFAULTS.prefix),
  KPN_BASE_URL: url(DEFAULTS.kpnBaseUrl, ["https:", "http:"]),
  KPN_SEND_PATH: z
    .string()
    .regex(/^\/\S*$/, { error: "must be a path starting with /" })
    .default(DEFAULTS.kpnSendPath),
  KPN_CLIENT_ID: required,
  KPN_CLIENT_SECRET: required,
  KPN_MAX_CONTENT_LENGTH: integer(DEFAULTS.maxContentLength, 1, 1000),
  KPN_TIMEOUT_MS: integer(10_000, 1),
  // The same rule as the producer's, so a sender one side accepts is never refused by the other.
  SMS_DEFAULT_SENDER: z
    .string()
    .refine(isValidSender, {
      error: "must be 1 to 11 characters of the GSM 03.38 basic set (letters, digits, spaces, …)",
    })
    .default(DEFAULTS.defaultSender),
  SMS_MAX_SEGMENTS: integer(DEFAULTS.maxSegments, 1),
  WORKER_CONCURRENCY: optionalIntegerSchema(1, 10_000),
  SMS_RATE_LIMIT_PER_SECOND: integer(0, 0),
  SMS_BATCH_SIZE: integer(200, 1, 200),
  SMS_BATCH_WAIT_MS: integer(20, 0, 10_000),
  SMS_MAX_ATTEMPTS: integer(DEFAULTS.maxAttempts, 1, 100),
  SMS_BACKOFF_MS: integer(DEFAULTS.backoffMs, 1),
  SMS_BACKOFF_MAX_MS: integer(DEFAULTS.backoffMaxMs, 1),
  SMS_KEEP_COMPLETED_SECONDS: integer(DEFAULTS.keepCompletedSeconds, 1),
  HEALTH_PORT: integer(9464, 0, 65_535),
  SHUTDOWN_GRACE_MS: integer(25_000, 0),
  LOG_LEVEL: logLevelSchema(),
  SMS_CALLBACK_SECRET: z.string().min(16, { error: "must be at least 16 characters" }).optional(),
  SMS_CALLBACK_BACKOFF_MS: integer(5000, 1, 30_000),
  SMS_DLR_URL: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
      error: "must be a URL starting with https:// or http://",
    })
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
      error: "must be a URL starting with https:// or http://",
    })
    .optional(),
});

/** Jobs in flight when `WORKER_CONCURRENCY` is unset: room for eight full batches, at least 50. */
export function defaultConcurrency(batchSize: number): number {
  return Math.max(50, 8 * batchSize);
}

/**
 * Reads the worker configuration from an environment object (normally `process.env`).
 * Empty strings count as unset, so `FOO=` falls back to the default.
 *
 * @throws {WorkerConfigError} naming every bad variable, on one line, without secret values.
 * @example
 * const config = parseWorkerEnv({ KPN_CLIENT_ID: "id", KPN_CLIENT_SECRET: "secret" });
 */
export function parseWorkerEnv(env: Record<string, string | undefined>): WorkerConfig {
  const known = Object.fromEntries(
    Object.keys(workerEnvSchema.shape).map((key) => [key, env[key]]),
  );
  const input = withoutEmpty(known);
  const parsed = workerEnvSchema.safeParse(input);
  if (!parsed.success) {
    const { message, variables } = describeEnvIssues(parsed.error.issues, input, {
      secrets: SECRET_VARIABLES,
    });
    throw new WorkerConfigError(`Invalid worker configuration: ${message}`, variables);
  }
  const e = parsed.data;
  if (e.SMS_BACKOFF_MAX_MS < e.SMS_BACKOFF_MS) {
    throw new WorkerConfigError(
      `Invalid worker configuration: SMS_BACKOFF_MAX_MS must be at least SMS_BACKOFF_MS (${e.SMS_BACKOFF_MS}) (got "${e.SMS_BACKOFF_MAX_MS}")`,
      ["SMS_BACKOFF_MAX_MS"],
    );
  }
  if (e.REDIS_CLUSTER && !prefixHasHashTag(e.SMS_QUEUE_PREFIX)) {
    // Without a hash tag the keys of one queue spread over the slots and every BullMQ script
    // fails with CROSSSLOT, long after a start that looked fine.
    throw new WorkerConfigError(
      `Invalid worker configuration: SMS_QUEUE_PREFIX must hold a hash tag such as {sms} when REDIS_CLUSTER=1, so that all keys of a queue share one slot (got "${e.SMS_QUEUE_PREFIX}")`,
      ["SMS_QUEUE_PREFIX"],
    );
  }
  return {
    redisUrl: e.REDIS_URL,
    redisCluster: e.REDIS_CLUSTER,
    queuePrefix: e.SMS_QUEUE_PREFIX,
    kpnBaseUrl: e.KPN_BASE_URL,
    kpnSendPath: e.KPN_SEND_PATH,
    kpnClientId: e.KPN_CLIENT_ID,
    kpnClientSecret: e.KPN_CLIENT_SECRET,
    kpnMaxContentLength: e.KPN_MAX_CONTENT_LENGTH,
    kpnTimeoutMs: e.KPN_TIMEOUT_MS,
    defaultSender: e.SMS_DEFAULT_SENDER,
    maxSegments: e.SMS_MAX_SEGMENTS,
    concurrency: e.WORKER_CONCURRENCY ?? defaultConcurrency(e.SMS_BATCH_SIZE),
    rateLimitPerSecond: e.SMS_RATE_LIMIT_PER_SECOND,
    batchSize: e.SMS_BATCH_SIZE,
    batchWaitMs: e.SMS_BATCH_WAIT_MS,
    maxAttempts: e.SMS_MAX_ATTEMPTS,
    backoffMs: e.SMS_BACKOFF_MS,
    backoffMaxMs: e.SMS_BACKOFF_MAX_MS,
    keepCompletedSeconds: e.SMS_KEEP_COMPLETED_SECONDS,
    healthPort: e.HEALTH_PORT,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    logLevel: e.LOG_LEVEL,
    ...(e.SMS_DLR_URL ? { dlrUrl: e.SMS_DLR_URL } : {}),
    ...(e.SMS_CALLBACK_SECRET ? { callbackSecret: e.SMS_CALLBACK_SECRET } : {}),
    callbackBackoffMs: e.SMS_CALLBACK_BACKOFF_MS,
    ...(e.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { otelExporterEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT }
      : {}),
  };
}

/** A copy of the configuration that is safe to log: the client secret and any Redis password hidden. */
export function redactWorkerConfig(config: WorkerConfig): Record<string, unknown> {
  return {
    ...config,
    kpnClientSecret: "[redacted]",
    ...(config.callbackSecret ? { callbackSecret: "[redacted]" } : {}),
    redisUrl: redactUrl(config.redisUrl),
    ...(config.otelExporterEndpoint
      ? { otelExporterEndpoint: redactUrl(config.otelExporterEndpoint) }
      : {}),
  };
}

/** Reads the worker configuration from `process.env`: the one place this app reads the environment. */
export function loadWorkerConfig(): WorkerConfig {
  return parseWorkerEnv(process.env);
}

export { LOG_LEVELS, type LogLevel };
