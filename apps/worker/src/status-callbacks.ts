import {
  CALLBACK_HEADERS,
  type CallbackJobData,
  callbackJob,
  type SmsCallbackEvent,
  signCallback,
} from "@sms-relay/producer";
import { type Job, type Queue, UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import { request } from "undici";
import type { CallbackEventLabel, CallbackOutcome, WorkerMetrics } from "./metrics.js";

export { CALLBACK_ATTEMPTS, type CallbackJobData } from "@sms-relay/producer";

/** The longest gap between two attempts of one event. */
export const MAX_CALLBACK_DELAY_MS = 3_600_000;

/** The wait before attempt `attemptsMade + 1`: `baseMs × 2^(attemptsMade − 1)`, at most an hour. */
export function callbackDelayMs(attemptsMade: number, baseMs: number): number {
  return Math.min(MAX_CALLBACK_DELAY_MS, baseMs * 2 ** Math.min(Math.max(0, attemptsMade - 1), 30));
}

/** Puts status events on the `sms-callback` queue, never failing the caller. */
export interface StatusCallbacks {
  enqueue(url: string, event: SmsCallbackEvent): Promise<void>;
}

/** Options of {@link createStatusCallbacks}. */
export interface StatusCallbacksOptions {
  queue: Queue;
  logger: Logger;
  /** How long finished callback jobs are kept. */
  keepSeconds: number;
}

/** Enqueues each event once (its id is the job id), so a re-run of an SMS adds no second one. */
export function createStatusCallbacks(options: StatusCallbacksOptions): StatusCallbacks {
  return {
    async enqueue(url, event) {
      const job = callbackJob(url, event, options.keepSeconds);
      try {
        await options.queue.add(job.name, job.data, job.opts);
      } catch (error) {
        // A status callback must never hold up or fail the send it reports.
        options.logger.warn(
          { jobId: event.id, event: event.event, err: { message: String(error) } },
          "could not enqueue a status callback",
        );
      }
    },
  };
}

/** Options of {@link createCallbackProcessor}. */
export interface CallbackProcessorOptions {
  /** `SMS_CALLBACK_SECRET`. */
  secret: string;
  logger: Logger;
  /** Longest wait for the backend's answer. @default 10000 */
  timeoutMs?: number;
  /** Counts every attempt in `sms_callbacks_total`. @default no metrics */
  metrics?: Pick<WorkerMetrics, "callbacks"> | undefined;
}

const EVENT_LABELS: ReadonlySet<string> = new Set(["sent", "dead", "delivery"]);

/** The event label of a job: its data may be old or come from elsewhere, so the label is bounded. */
function eventLabel(data: Partial<CallbackJobData>): CallbackEventLabel {
  const kind = data.event?.event;
  return typeof kind === "string" && EVENT_LABELS.has(kind)
    ? (kind as CallbackEventLabel)
    : "unknown";
}

/**
 * POSTs one event, signed: 2xx ends it; a network error, 408, 429 or 5xx is retried with the
 * `callback` backoff; any other answer ends it as failed (the failed job is kept). Each attempt
 * is counted once in `sms_callbacks_total`, by its outcome.
 */
export function createCallbackProcessor(options: CallbackProcessorOptions) {
  const { secret, logger, timeoutMs = 10_000, metrics } = options;
  return async (job: Job<CallbackJobData>): Promise<{ status: number }> => {
    const { url, eventId, event } = job.data;
    const count = (outcome: CallbackOutcome): void => {
      metrics?.callbacks.inc({ event: eventLabel(job.data), outcome });
    };
    // BullMQ retries while attempts made before this one + 1 < attempts.
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const body = JSON.stringify(event);
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number;
    try {
      const response = await request(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [CALLBACK_HEADERS.eventId]: eventId,
          [CALLBACK_HEADERS.timestamp]: String(timestamp),
          [CALLBACK_HEADERS.signature]: signCallback(body, secret, timestamp),
        },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      status = response.statusCode;
    } catch (error) {
      count(lastAttempt ? "given_up" : "retried");
      throw error;
    }
    if (status >= 200 && status < 300) {
      count("delivered");
      return { status };
    }
    const retryable = status === 408 || status === 429 || status >= 500;
    count(retryable ? (lastAttempt ? "given_up" : "retried") : "refused");
    logger.warn(
      { jobId: event.id, eventId, status, attempt: job.attemptsMade + 1, retryable },
      "status callback refused",
    );
    if (!retryable) throw new UnrecoverableError(`the callback URL answered ${status}`);
    throw new Error(`the callback URL answered ${status}`);
  };
}
