import { PRODUCER_DEFAULTS, prefixHasHashTag } from "@sms-relay/producer";
import {
  describeEnvIssues,
  flagSchema,
  integerSchema,
  type LogLevel,
  logLevelSchema,
  queuePrefixSchema,
  redisUrlSchema,
  withoutEmpty,
} from "@sms-relay/runtime";
import { z } from "zod";
import { parseWebhookKeys, type WebhookKey } from "./webhook-keys.js";

/** The receipts app's configuration, parsed from the environment by {@link parseReceiptsEnv}. */
export interface ReceiptsConfig {
  /** `RECEIPTS_PORT`; 0 picks a free port. @default 8090 */
  port: number;
  /** `RECEIPTS_HOST`: loopback so a local run is not on the network; images set `0.0.0.0`. @default "127.0.0.1" */
  host: string;
  /** `REDIS_URL`: Redis, or a cluster seed when `redisCluster` is on. @default "redis://127.0.0.1:6379" */
  redisUrl: string;
  /** `REDIS_CLUSTER=1`: connect with an ioredis Cluster. @default false */
  redisCluster: boolean;
  /** `SMS_QUEUE_PREFIX`: the BullMQ prefix of the worker; with a cluster it must hold a hash tag. @default "bull" */
  prefix: string;
  /** `LOG_LEVEL`. @default "info" */
  logLevel: LogLevel;
  /**
   * `KPN_WEBHOOK_KEYS` (`keyId:secret[,keyId:secret…]`): the signing keys accepted; `false` when
   * `RECEIPTS_VERIFY=off` and signatures are not checked. Secrets: never log them.
   */
  keys: readonly WebhookKey[] | false;
  /**
   * `OTEL_EXPORTER_OTLP_ENDPOINT`: where OpenTelemetry traces go (OTLP over HTTP). Set, `main`
   * starts the SDK (which reads the other `OTEL_*` variables) and every report gets a span.
   * @default none: no traces
   */
  otelExporterEndpoint?: string;
}

/** Thrown by {@link parseReceiptsEnv} when a variable is missing or has a bad value. */
export class ReceiptsConfigError extends Error {
  override readonly name = "ReceiptsConfigError";
  /** Always `"RECEIPTS_CONFIG_INVALID"`. */
  readonly code = "RECEIPTS_CONFIG_INVALID";
  /** The environment variables at fault. */
  readonly variables: string[];

  constructor(message: string, variables: string[]) {
    super(message);
    this.variables = variables;
  }
}

const SECRET_VARIABLES: ReadonlySet<string> = new Set(["KPN_WEBHOOK_KEYS"]);

/** Every variable the receipts app reads, with the defaults of the public contract. */
export const receiptsEnvSchema = z.object({
  RECEIPTS_PORT: integerSchema(8090, 0, 65_535),
  RECEIPTS_HOST: z.string().min(1).default("127.0.0.1"),
  REDIS_URL: redisUrlSchema(),
  REDIS_CLUSTER: flagSchema(),
  SMS_QUEUE_PREFIX: queuePrefixSchema(PRODUCER_DEFAULTS.prefix),
  LOG_LEVEL: logLevelSchema(),
  KPN_WEBHOOK_KEYS: z.string().optional(),
  RECEIPTS_VERIFY: z
    .string()
    .toLowerCase()
    .pipe(z.enum(["on", "off"], { error: "must be on or off" }))
    .default("on"),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
      error: "must be a URL starting with https:// or http://",
    })
    .optional(),
});

function fail(message: string, variable: string): never {
  throw new ReceiptsConfigError(`Invalid receipts configuration: ${message}`, [variable]);
}

/**
 * Reads the configuration from an environment object (normally `process.env`). Empty values
 * count as unset.
 *
 * @throws {ReceiptsConfigError} on one line naming the variable, never showing a secret; also
 * when no key is set while verification is on, and for a cluster prefix without hash tag.
 */
export function parseReceiptsEnv(env: Record<string, string | undefined>): ReceiptsConfig {
  const known = Object.fromEntries(
    Object.keys(receiptsEnvSchema.shape).map((key) => [key, env[key]]),
  );
  const input = withoutEmpty(known);
  const parsed = receiptsEnvSchema.safeParse(input);
  if (!parsed.success) {
    const { message, variables } = describeEnvIssues(parsed.error.issues, input, {
      secrets: SECRET_VARIABLES,
    });
    throw new ReceiptsConfigError(`Invalid receipts configuration: ${message}`, variables);
  }
  const e = parsed.data;
  if (e.REDIS_CLUSTER && !prefixHasHashTag(e.SMS_QUEUE_PREFIX)) {
    fail(
      `SMS_QUEUE_PREFIX must hold a hash tag such as {sms} when REDIS_CLUSTER=1, so that the delivery keys share the queue's slot (got ${JSON.stringify(e.SMS_QUEUE_PREFIX)})`,
      "SMS_QUEUE_PREFIX",
    );
  }
  let keys: readonly WebhookKey[] | false = false;
  if (e.RECEIPTS_VERIFY === "on") {
    if (e.KPN_WEBHOOK_KEYS === undefined) {
      fail(
        "KPN_WEBHOOK_KEYS is not set: set it to keyId:secret[,keyId:secret…] (the signing keys of the KPN webhook), or RECEIPTS_VERIFY=off to accept unsigned reports",
        "KPN_WEBHOOK_KEYS",
      );
    }
    const result = parseWebhookKeys(e.KPN_WEBHOOK_KEYS);
    if (typeof result === "string") fail(`KPN_WEBHOOK_KEYS ${result}`, "KPN_WEBHOOK_KEYS");
    keys = result;
  }
  return {
    port: e.RECEIPTS_PORT,
    host: e.RECEIPTS_HOST,
    redisUrl: e.REDIS_URL,
    redisCluster: e.REDIS_CLUSTER,
    prefix: e.SMS_QUEUE_PREFIX,
    logLevel: e.LOG_LEVEL,
    keys,
    ...(e.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { otelExporterEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT }
      : {}),
  };
}
