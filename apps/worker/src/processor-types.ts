import type { Tracer } from "@opentelemetry/api";
import type { SmsJobProgress } from "@sms-relay/producer";
import type { Logger } from "pino";
import type { AcceptedParts } from "./accepted-parts.js";
import type { DeadLetterAction } from "./dead-letter.js";
import type { DeliveryReferences } from "./delivery-references.js";
import type { WorkerConfig } from "./env.js";
import type { WorkerMetrics } from "./metrics.js";
import type { ProgressWriter } from "./progress-writer.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { Readiness } from "./readiness.js";
import type { SendBatcher } from "./send-batcher.js";
import type { StatusCallbacks } from "./status-callbacks.js";

/** The parts of a BullMQ job the processor uses, so tests can hand it a plain object. */
export interface SmsJobLike {
  readonly id?: string | undefined;
  readonly data: unknown;
  /** Attempts finished before this one. */
  readonly attemptsMade: number;
  /** Times the job was taken, this one included (deferrals and stalls count too). */
  readonly attemptsStarted: number;
  readonly progress: unknown;
  /** When the job was added (epoch ms; BullMQ's `job.timestamp`). @default unknown: not timed */
  readonly timestamp?: number | undefined;
  readonly opts: {
    readonly attempts?: number | undefined;
    /** The delay it was added with, in ms. @default 0 */
    readonly delay?: number | undefined;
  };
  updateProgress(progress: SmsJobProgress): Promise<void>;
}

/** What the processor needs from the KPN client. */
export interface SmsSender {
  send(request: {
    sender: string;
    messages: { content: string; mobileNumber: string }[];
    webhookUrl?: string;
    expireInSeconds?: number;
    /** Called as the request is written to the API's connection; the rate limit counts from it. */
    onWrite?: () => void;
  }): Promise<{ documentId: string }>;
  /** Fetches (or refreshes) the access token ahead of a rate-limited send. @default not called */
  getAccessToken?(): Promise<string>;
}

/** Settings of the processor, from the worker configuration. */
export type ProcessSmsConfig = Pick<
  WorkerConfig,
  | "kpnMaxContentLength"
  | "maxSegments"
  | "maxAttempts"
  | "defaultSender"
  | "backoffMs"
  | "backoffMaxMs"
>;

/** State shared by every job of one worker. */
export interface ProcessorState {
  /** Configuration faults (auth refused, redirects) in a row; a successful send resets it. */
  configFailures: number;
}

/** Dependencies of the processor. */
export interface ProcessSmsDeps {
  config: ProcessSmsConfig;
  kpn: SmsSender;
  /** Gives up on an SMS (records, counts and logs it). */
  deadLetter: DeadLetterAction;
  /** Stops every worker of the queue from taking jobs for this long (BullMQ's queue rate limit). */
  pauseQueue(ms: number): Promise<void>;
  logger: Logger;
  /** Shapes sends to `SMS_RATE_LIMIT_PER_SECOND`. @default no limit */
  rateLimiter?: RateLimiter;
  /** @default no metrics */
  metrics?: WorkerMetrics;
  /** Told about persistent configuration faults. @default none */
  readiness?: Readiness;
  /** Shared across jobs of one worker. @default a fresh state per call */
  state?: ProcessorState;
  /** Accepted parts whose record in Redis failed, shared across jobs. @default none */
  acceptedParts?: AcceptedParts;
  /** Aborts waits (rate limiter, a local pause): the job goes back to the queue. */
  signal?: AbortSignal;
  /** With `SMS_DLR_URL`: names each request so that its delivery reports find the SMS. @default none */
  deliveryReferences?: DeliveryReferences;
  /** With `SMS_CALLBACK_SECRET`: status events of SMS that have a `callbackUrl`. @default none */
  statusCallbacks?: StatusCallbacks;
  /**
   * Gathers SMS into shared requests (`SMS_BATCH_SIZE`). @default each SMS a request of its own,
   * sent by this call
   */
  requests?: Pick<SendBatcher, "send">;
  /**
   * Writes document ids of many jobs in one round trip (the SMS of one request). @default each
   * job's own `updateProgress`
   */
  progressWriter?: ProgressWriter;
  /** Delays of the tries to record a document id. @default see recordProgress */
  recordDelaysMs?: readonly number[];
  /**
   * With `OTEL_EXPORTER_OTLP_ENDPOINT`: a span per KPN request, and trace contexts kept with the
   * delivery reference. @default no spans, nothing extra in Redis
   */
  tracer?: Tracer;
}
