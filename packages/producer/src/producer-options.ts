import { validateSender } from "@sms-relay/sms";
import type { Telemetry } from "bullmq";
import { z } from "zod";
import { clusterPrefixProblem } from "./cluster-prefix.js";
import type { SmsRedisConnection } from "./connection.js";
import { PRODUCER_DEFAULTS, readEnvFallbacks } from "./defaults.js";
import { SmsProducerError } from "./errors.js";

/** Options of {@link SmsProducer}. */
export interface SmsProducerOptions {
  /**
   * Redis: a URL, ioredis options, or a `Redis`/`Cluster` instance (used as is, never closed by
   * the producer). Connections the producer creates do not queue commands while Redis is away
   * (`enableOfflineQueue: false`) so that a failed send fails at once; pass options to override.
   */
  connection: SmsRedisConnection;
  /**
   * BullMQ key prefix; must match the worker's `SMS_QUEUE_PREFIX`. With a `Cluster` connection it
   * must hold a hash tag such as `{sms}` (`prefixHasHashTag`), else the constructor throws.
   * @default "bull"
   */
  prefix?: string;
  /**
   * Sender used when a send names none.
   * @default process.env.SMS_DEFAULT_SENDER, else "SMSRelay"
   */
  defaultSender?: string;
  /**
   * Content that would be billed as more segments than this is rejected at enqueue.
   * @default 10
   */
  maxSegments?: number;
  /**
   * Content limit of one message on the KPN account (160 on sandbox accounts); longer content is
   * split into parts. Used to report parts and segments; keep it equal to the worker's.
   * @default process.env.KPN_MAX_CONTENT_LENGTH, else 1000
   */
  maxContentLength?: number;
  /**
   * Replace characters that force UCS-2 (curly quotes, dashes, `…`, no-break space) by GSM-7
   * look-alikes before enqueuing, which often halves the segments.
   * @default false
   */
  smartEncoding?: boolean;
  /**
   * How long a call waits for Redis to become ready before it fails with `SMS_QUEUE_UNAVAILABLE`.
   * Also the connect timeout of connections the producer creates.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Longest one Redis step may take: a `send`, a `status`, each chunk of 500 in `sendMany`, each
   * call (each id of a redrive) on `deadLetters`, and `close`. Past it the call fails with
   * `SMS_QUEUE_UNAVAILABLE` (a Redis that hangs, for instance under `CLIENT PAUSE`) and `close`
   * drops the connection. A send that timed out may still be enqueued once Redis answers: retry
   * it with the same `idempotencyKey` to get `deduplicated: true` instead of a second SMS.
   * @default 5000
   */
  operationTimeoutMs?: number;
  /**
   * `callbackUrl` of sends that name none: where status events are POSTed (`http:` or `https:`).
   * @default none
   */
  defaultCallbackUrl?: string;
  /**
   * How long the worker keeps sent SMS (its `SMS_KEEP_COMPLETED_SECONDS`): the index of SMS by
   * number (`findSmsIdsByNumber`) keeps each SMS this long after it became due, then drops it.
   * Keep it equal to the worker's.
   * @default process.env.SMS_KEEP_COMPLETED_SECONDS, else 604800 (a week)
   */
  keepCompletedSeconds?: number;
  /**
   * BullMQ telemetry for the `sms` queue, e.g. `new BullMQOtel({ tracerName: "my-shop" })` from
   * `bullmq-otel`: each send gets an `add sms.sms` span in the caller's trace, and its job
   * carries the trace context, so that the worker's spans (and the receipts app's, for the
   * delivery report) join the same trace. The producer itself depends on no OpenTelemetry
   * package. @default none: no spans, no trace context on jobs
   */
  telemetry?: Telemetry;
}

/** Options after defaults and validation. */
export interface ResolvedProducerOptions {
  connection: SmsRedisConnection;
  prefix: string;
  defaultSender: string;
  maxSegments: number;
  maxContentLength: number;
  smartEncoding: boolean;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  defaultCallbackUrl?: string;
  keepCompletedSeconds: number;
  telemetry?: Telemetry;
}

const positiveInteger = z.number().int("must be an integer").min(1, "must be at least 1");

const optionsSchema = z.object({
  connection: z.union([z.string().min(1), z.object({}).loose()], {
    error: "must be a Redis URL, ioredis options, or a Redis/Cluster instance",
  }),
  prefix: z.string().min(1, "must not be empty").optional(),
  defaultSender: z.string().optional(),
  maxSegments: positiveInteger.optional(),
  maxContentLength: positiveInteger.optional(),
  smartEncoding: z.boolean().optional(),
  connectTimeoutMs: positiveInteger.optional(),
  operationTimeoutMs: positiveInteger.optional(),
  keepCompletedSeconds: positiveInteger.optional(),
  defaultCallbackUrl: z
    .string()
    .refine((value) => /^https?:\/\/\S+$/.test(value) && URL.canParse(value), {
      error: "must be an http:// or https:// URL",
    })
    .optional(),
});

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function invalid(message: string): SmsProducerError {
  return new SmsProducerError("SMS_INVALID_OPTIONS", `invalid producer options: ${message}`);
}

/** Checks a sender the way the worker will; the message names where it came from. */
function checkedSender(value: string, source: string): string {
  try {
    return validateSender(value);
  } catch (error) {
    // "defaultSender: must have …": the option names the field, the sms package's sentence
    // starts with "sender" too.
    const message = error instanceof Error ? error.message : "not a valid sender";
    const reason = message.startsWith("sender ") ? message.slice("sender ".length) : message;
    throw new SmsProducerError(
      "SMS_INVALID_OPTIONS",
      `invalid producer options: ${source}: ${reason} (${describe(value)})`,
      { cause: error },
    );
  }
}

/**
 * Validates {@link SmsProducerOptions} and applies defaults and the two environment fallbacks.
 * Throws {@link SmsProducerError} (`SMS_INVALID_OPTIONS`) naming the option and the bad value.
 */
export function resolveProducerOptions(options: SmsProducerOptions): ResolvedProducerOptions {
  if (typeof options !== "object" || options === null) {
    throw invalid("expected an object with at least `connection`");
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => {
      const name = issue.path.join(".") || "options";
      const value =
        issue.path[0] === "connection"
          ? ""
          : `, got ${describe(options[issue.path[0] as keyof SmsProducerOptions])}`;
      return `${name}: ${issue.message}${value}`;
    });
    throw invalid(details.join("; "));
  }
  const prefix = options.prefix ?? PRODUCER_DEFAULTS.prefix;
  const clusterProblem = clusterPrefixProblem(options.connection, prefix);
  if (clusterProblem) throw invalid(clusterProblem);
  const env = readEnvFallbacks();
  /** A positive whole number from the environment, where the option was not given. */
  const fromEnv = (name: "KPN_MAX_CONTENT_LENGTH" | "SMS_KEEP_COMPLETED_SECONDS") => {
    const raw = env[name];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      throw invalid(`${name}: must be an integer of at least 1, got ${describe(raw)}`);
    }
    return value;
  };
  const maxContentLength = options.maxContentLength ?? fromEnv("KPN_MAX_CONTENT_LENGTH");
  const keepCompletedSeconds =
    options.keepCompletedSeconds ?? fromEnv("SMS_KEEP_COMPLETED_SECONDS");
  const defaultSender =
    options.defaultSender !== undefined
      ? checkedSender(options.defaultSender, "defaultSender")
      : env.SMS_DEFAULT_SENDER !== undefined
        ? checkedSender(env.SMS_DEFAULT_SENDER, "SMS_DEFAULT_SENDER")
        : PRODUCER_DEFAULTS.defaultSender;
  return {
    connection: options.connection,
    prefix,
    defaultSender,
    maxSegments: options.maxSegments ?? PRODUCER_DEFAULTS.maxSegments,
    maxContentLength: maxContentLength ?? PRODUCER_DEFAULTS.maxContentLength,
    smartEncoding: options.smartEncoding ?? PRODUCER_DEFAULTS.smartEncoding,
    connectTimeoutMs: options.connectTimeoutMs ?? PRODUCER_DEFAULTS.connectTimeoutMs,
    operationTimeoutMs: options.operationTimeoutMs ?? PRODUCER_DEFAULTS.operationTimeoutMs,
    keepCompletedSeconds: keepCompletedSeconds ?? PRODUCER_DEFAULTS.keepCompletedSeconds,
    ...(options.defaultCallbackUrl !== undefined
      ? { defaultCallbackUrl: options.defaultCallbackUrl }
      : {}),
    ...(options.telemetry !== undefined ? { telemetry: options.telemetry } : {}),
  };
}
