import type { SmsJobData } from "@sms-relay/producer";
import { UnrecoverableError, Worker } from "bullmq";
import { computeBackoffMs } from "./backoff.js";
import type { DeadLetterInput } from "./dead-letter.js";
import { isKpnFailure, type KpnFailure, SmsRetryableError } from "./errors.js";
import type { ProcessorState, ProcessSmsDeps, SmsJobLike } from "./process-sms.js";

/**
 * A job rate limited (429) this many times `SMS_MAX_ATTEMPTS` is given up as `exhausted`:
 * a 429 puts the job back without counting an attempt, so without a bound it could loop forever.
 */
export const RATE_LIMIT_DEFERRALS_PER_ATTEMPT = 3;

/**
 * Authentication failures pause the queue without failing jobs, since every job would fail the
 * same way; still, a job deferred this many times `SMS_MAX_ATTEMPTS` is given up.
 */
export const MAX_DEFERRALS_PER_ATTEMPT = 10;

/** The longest pause after repeated authentication failures, so that fixed credentials are picked up soon. */
export const MAX_AUTH_PAUSE_MS = 60_000;

/** The shortest pause after a 429 that carried no Retry-After. */
export const MIN_RATE_LIMIT_PAUSE_MS = 1000;

/** The longest Retry-After honoured; a larger one is taken as a gateway mistake. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Dependencies of {@link classifySendFailure}: the processor's, with the shared state filled in. */
export type FailureHandlingDeps = ProcessSmsDeps & { state: ProcessorState };

/** Where and how a send failed. */
export interface SendFailureContext {
  job: SmsJobLike;
  deps: FailureHandlingDeps;
  message: SmsJobData;
  maskedTo: string;
  /** Document ids of the parts accepted before the failure. */
  documentIds: string[];
  requestSeconds: number;
}

function asKpnFailure(error: unknown): KpnFailure {
  if (isKpnFailure(error)) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  // Anything the client did not classify (a bug, a Redis hiccup) is worth another attempt.
  return Object.assign(new Error(cause.message, { cause }), {
    name: "KpnError",
    code: "SMS_UNEXPECTED",
    kind: "transient" as const,
    ambiguous: false,
  });
}

/**
 * The one place that decides what a failed send means for the job. Dead-letters it when it is
 * over, pauses the queue when the API asks for it, and returns the error the processor must
 * throw so that BullMQ does the rest:
 * - permanent (400, 403, 404, 405, 412, a validation fault): dead-letter `rejected`,
 *   `UnrecoverableError`;
 * - rate limited (429): pause the queue for Retry-After (or a backoff), `RateLimitError`, which
 *   puts the job back without counting an attempt, up to a bound;
 * - auth (refused even with a fresh token): mark the worker unready, pause the queue with a
 *   growing delay, `RateLimitError`;
 * - transient (5xx, timeouts, network): a plain error BullMQ retries with the `sms` backoff,
 *   or, on the last attempt, dead-letter `exhausted` and `UnrecoverableError`.
 */
export async function classifySendFailure(
  error: unknown,
  context: SendFailureContext,
): Promise<Error> {
  const { job, deps, maskedTo } = context;
  const { config, logger, metrics } = deps;
  const failure = asKpnFailure(error);
  const jobId = job.id ?? "unknown";
  metrics?.requestDuration.observe({ outcome: failure.kind }, context.requestSeconds);

  if (failure.ambiguous) {
    metrics?.ambiguousFailures.inc();
    logger.warn(
      { jobId, to: maskedTo, code: failure.code, status: failure.status },
      "send failed after the request went out: the SMS may have been sent, and a retry may send it twice",
    );
  }

  const maxAttempts = Math.max(1, Math.min(config.maxAttempts, job.opts.attempts ?? 1));
  const attempt = job.attemptsMade + 1;
  // Times this job was taken and put back without an attempt counted (429, auth, shutdown, stall).
  const deferrals = Math.max(0, job.attemptsStarted - attempt);

  switch (failure.kind) {
    case "permanent": {
      await giveUp(context, failure, "rejected");
      return new UnrecoverableError(`rejected by the KPN API: ${failure.message}`);
    }
    case "rate_limited": {
      metrics?.rateLimited.inc();
      if (deferrals >= RATE_LIMIT_DEFERRALS_PER_ATTEMPT * config.maxAttempts) {
        await giveUp(context, failure, "exhausted");
        return new UnrecoverableError(
          `still rate limited after ${deferrals} deferrals: ${failure.message}`,
        );
      }
      // The API's Retry-After wins over our own backoff, within reason.
      const pauseMs =
        failure.retryAfterMs !== undefined
          ? Math.min(failure.retryAfterMs, MAX_RETRY_AFTER_MS)
          : Math.max(
              MIN_RATE_LIMIT_PAUSE_MS,
              computeBackoffMs(deferrals + 1, {
                baseMs: config.backoffMs,
                maxMs: config.backoffMaxMs,
              }),
            );
      await deps.pauseQueue(pauseMs);
      metrics?.retries.inc({ kind: "rate_limited" });
      logger.warn({ jobId, pauseMs, deferrals }, "KPN API rate limit: pausing the queue");
      return Worker.RateLimitError();
    }
    case "auth": {
      if (deferrals >= MAX_DEFERRALS_PER_ATTEMPT * config.maxAttempts) {
        await giveUp(context, failure, "exhausted");
        return new UnrecoverableError(`authentication kept failing: ${failure.message}`);
      }
      deps.state.authFailures += 1;
      deps.readiness?.setAuthFailing(true);
      const pauseMs = Math.min(
        MAX_AUTH_PAUSE_MS,
        config.backoffMaxMs,
        config.backoffMs * 2 ** Math.min(deps.state.authFailures - 1, 20),
      );
      await deps.pauseQueue(pauseMs);
      metrics?.retries.inc({ kind: "auth" });
      logger.error(
        { jobId, code: failure.code, status: failure.status, apiCode: failure.apiCode, pauseMs },
        "KPN API refuses our credentials even with a fresh token: pausing the queue; check KPN_CLIENT_ID and KPN_CLIENT_SECRET",
      );
      return Worker.RateLimitError();
    }
    default: {
      if (attempt >= maxAttempts) {
        await giveUp(context, failure, "exhausted");
        return new UnrecoverableError(`gave up after ${attempt} attempts: ${failure.message}`);
      }
      metrics?.retries.inc({ kind: "transient" });
      logger.warn(
        { jobId, to: maskedTo, attempt, maxAttempts, code: failure.code, status: failure.status },
        "send failed, will retry",
      );
      return new SmsRetryableError(failure.message, failure.code, failure.retryAfterMs, failure);
    }
  }
}

async function giveUp(
  context: SendFailureContext,
  failure: KpnFailure,
  reason: DeadLetterInput["reason"],
): Promise<void> {
  const { job, deps } = context;
  const jobId = job.id ?? "unknown";
  const errorRecord: DeadLetterInput["error"] = {
    message: failure.message,
    code: failure.apiCode ?? failure.code,
  };
  if (failure.status !== undefined) errorRecord.status = failure.status;
  if (failure.body !== undefined) errorRecord.body = failure.body;
  const added = await deps.deadLetter({
    jobId,
    message: context.message,
    reason,
    error: errorRecord,
    attemptsMade: job.attemptsMade + 1,
    documentIds: context.documentIds,
  });
  deps.metrics?.failed.inc({ reason });
  if (added) deps.metrics?.deadLettered.inc({ reason });
  deps.logger.warn(
    {
      jobId,
      to: context.maskedTo,
      reason,
      code: errorRecord.code,
      status: failure.status,
      attemptsMade: job.attemptsMade + 1,
      documentIds: context.documentIds,
    },
    "sms dead-lettered",
  );
}
