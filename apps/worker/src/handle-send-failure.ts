import { isKpnError } from "@sms-relay/kpn-client";
import type { SmsJobData } from "@sms-relay/producer";
import { UnrecoverableError, Worker } from "bullmq";
import type { DeadLetterInput } from "./dead-letter.js";
import { SmsRetryableError } from "./errors.js";
import { type DeferCause, decideFailure, type FailureFacts } from "./failure-decision.js";
import type { ProcessorState, ProcessSmsDeps, SmsJobLike } from "./processor-types.js";

/** A send that failed, with what the processor knew at that moment. */
export interface SendFailure {
  error: unknown;
  job: SmsJobLike;
  message: SmsJobData;
  maskedTo: string;
  /** Document ids of the parts accepted before the failure. */
  documentIds: string[];
}

const READINESS_FAULT = { auth: "kpn_auth_failing", redirected: "kpn_redirecting" } as const;

/** The facts the decision needs, from a KPN client error or anything else (a bug, Redis). */
export function failureFacts(error: unknown): FailureFacts {
  if (isKpnError(error)) {
    return {
      kind: error.kind,
      code: error.code,
      message: error.message,
      ambiguous: error.ambiguous,
      retryAfterMs: error.retryAfterMs,
    };
  }
  // Nothing the client classified went out: worth another attempt, and no duplicate risk.
  return {
    kind: "transient",
    code: "SMS_UNEXPECTED",
    message: error instanceof Error ? error.message : String(error),
    ambiguous: false,
  };
}

function deadLetterError(error: unknown, facts: FailureFacts): DeadLetterInput["error"] {
  const record: DeadLetterInput["error"] = { message: facts.message, code: facts.code };
  if (!isKpnError(error)) return record;
  if (error.status !== undefined) record.status = error.status;
  // The API's own code says more than ours, but only on an error answer (a 200's "OK" is none).
  if (error.apiCode !== undefined && (error.status ?? 0) >= 400) record.code = error.apiCode;
  if (error.body !== undefined) record.body = error.body;
  return record;
}

/**
 * Carries out the decision about a failed send ({@link decideFailure}) and returns the error the
 * processor throws, which tells BullMQ the rest: `UnrecoverableError` once dead-lettered,
 * `RateLimitError` to put the job back without counting an attempt, `SmsRetryableError` for
 * another attempt after the `sms` backoff.
 */
export async function handleSendFailure(
  failure: SendFailure,
  deps: ProcessSmsDeps & { state: ProcessorState },
): Promise<Error> {
  const { job, maskedTo } = failure;
  const { config, logger, metrics } = deps;
  const jobId = job.id ?? "unknown";
  const facts = failureFacts(failure.error);
  if (facts.ambiguous) {
    metrics?.ambiguousFailures.inc();
    logger.warn(
      { jobId, to: maskedTo, code: facts.code },
      "send failed after the request went out: the SMS may have been sent, and a retry may send it twice",
    );
  }

  const decision = decideFailure(
    facts,
    {
      attemptsMade: job.attemptsMade,
      attemptsStarted: job.attemptsStarted,
      jobAttempts: job.opts.attempts,
      configFailuresInARow: deps.state.configFailures,
    },
    config,
  );

  switch (decision.action) {
    case "dead-letter": {
      await deps.deadLetter({
        jobId,
        message: failure.message,
        reason: decision.reason,
        error: deadLetterError(failure.error, facts),
        attemptsMade: job.attemptsMade + 1,
        documentIds: failure.documentIds,
      });
      return new UnrecoverableError(decision.message);
    }
    case "defer": {
      if (decision.cause === "rate_limited") {
        logger.warn(
          { jobId, pauseMs: decision.pauseMs, deferrals: decision.deferrals },
          "KPN API rate limit: pausing the queue",
        );
      } else {
        deps.state.configFailures += 1;
        deps.readiness?.setKpnFault(READINESS_FAULT[decision.cause]);
        logger.error(
          { jobId, code: facts.code, pauseMs: decision.pauseMs },
          decision.cause === "auth"
            ? "KPN API refuses our credentials even with a fresh token: pausing the queue; check KPN_CLIENT_ID and KPN_CLIENT_SECRET"
            : "KPN API answers with a redirect: pausing the queue; check KPN_BASE_URL and KPN_SEND_PATH",
        );
      }
      await pauseOrWait(decision.pauseMs, decision.cause, deps);
      metrics?.retries.inc({ kind: decision.cause });
      return Worker.RateLimitError();
    }
    case "retry": {
      metrics?.retries.inc({ kind: "transient" });
      logger.warn(
        {
          jobId,
          to: maskedTo,
          attempt: decision.attempt,
          maxAttempts: decision.maxAttempts,
          code: facts.code,
        },
        "send failed, will retry",
      );
      return new SmsRetryableError(facts.message, facts.code, decision.minDelayMs, failure.error);
    }
  }
}

/**
 * Pauses the queue; when Redis refuses the pause, this worker at least waits the pause out itself
 * (or until shutdown), so that the job goes back without a counted attempt and without hammering
 * the API.
 */
async function pauseOrWait(pauseMs: number, cause: DeferCause, deps: ProcessSmsDeps) {
  try {
    await deps.pauseQueue(pauseMs);
  } catch (error) {
    deps.logger.warn(
      { cause, pauseMs, err: { message: error instanceof Error ? error.message : String(error) } },
      "could not pause the queue in Redis: waiting in this worker instead",
    );
    await waitUnlessAborted(pauseMs, deps.signal);
  }
}

function waitUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
