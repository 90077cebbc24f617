import type { KpnErrorKind } from "@sms-relay/kpn-client";
import { computeBackoffMs } from "./backoff.js";

/**
 * A job rate limited (429) this many times `SMS_MAX_ATTEMPTS` is given up as `exhausted`:
 * a 429 puts the job back without counting an attempt, so without a bound it could loop forever.
 */
export const RATE_LIMIT_DEFERRALS_PER_ATTEMPT = 3;

/**
 * Configuration faults (credentials refused, a redirecting gateway) pause the queue without
 * failing jobs, since every job would fail the same way; still, a job deferred this many times
 * `SMS_MAX_ATTEMPTS` is given up.
 */
export const CONFIG_DEFERRALS_PER_ATTEMPT = 10;

/** The longest pause after repeated configuration faults, so that a fix is picked up soon. */
export const MAX_CONFIG_PAUSE_MS = 60_000;

/**
 * The shortest pause after a 429, whatever its Retry-After said (`0`, a past date, `0.0001`): a
 * 429 means the API's window is full, and BullMQ cannot pause a queue for 0 ms.
 */
export const MIN_RATE_LIMIT_PAUSE_MS = 1000;

/** The longest Retry-After honoured; a larger one is taken as a gateway mistake. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** The failure, as the KPN client classified it (any other error counts as `transient`). */
export interface FailureFacts {
  kind: KpnErrorKind;
  code: string;
  message: string;
  /** The request may have been acted on (only matters for counting; the decision is the same). */
  ambiguous: boolean;
  retryAfterMs?: number | undefined;
}

/** Where the job stands. */
export interface AttemptFacts {
  /** Attempts finished before this one (BullMQ's `attemptsMade`). */
  attemptsMade: number;
  /** Times the job was taken, this one included (BullMQ's `attemptsStarted`). */
  attemptsStarted: number;
  /** The job's own `attempts` option. @default 1 */
  jobAttempts?: number | undefined;
  /** Configuration faults in a row in this worker, before this one. */
  configFailuresInARow: number;
}

/** The settings the decision depends on. */
export interface DecisionConfig {
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
}

/** Why the queue is paused without counting an attempt. */
export type DeferCause = "rate_limited" | "auth" | "redirected";

/** What happens to the SMS after a failed send. */
export type FailureDecision =
  /** Another attempt (counted) after BullMQ's `sms` backoff, at least `minDelayMs`. */
  | { action: "retry"; attempt: number; maxAttempts: number; minDelayMs?: number }
  /** Pause the whole queue `pauseMs` and put the job back without counting an attempt. */
  | { action: "defer"; cause: DeferCause; pauseMs: number; deferrals: number }
  /** Never send it: record it in the dead-letter queue. */
  | { action: "dead-letter"; reason: "rejected" | "exhausted"; message: string };

/**
 * Decides what a failed send means for the SMS: a pure function of the failure, the job's
 * attempts, the worker's run of configuration faults and the configuration. The processor
 * carries the decision out.
 * - permanent (400, 403, 404, 405, 412, a validation fault): dead-letter `rejected`;
 * - rate limited (429): pause the queue for Retry-After (at least 1 s) or a backoff, and defer;
 * - auth (refused even with a fresh token) or redirected (3xx: a gateway or configuration fault):
 *   pause the queue with a growing delay, and defer;
 * - transient (5xx, timeouts, network): retry with backoff, on the last attempt dead-letter
 *   `exhausted`;
 * - deferred too often: dead-letter `exhausted`.
 */
export function decideFailure(
  failure: FailureFacts,
  attempts: AttemptFacts,
  config: DecisionConfig,
  random: () => number = Math.random,
): FailureDecision {
  const maxAttempts = Math.max(1, Math.min(config.maxAttempts, attempts.jobAttempts ?? 1));
  const attempt = attempts.attemptsMade + 1;
  // Times this job was taken and put back without an attempt counted (429, auth, shutdown, stall).
  const deferrals = Math.max(0, attempts.attemptsStarted - attempt);

  if (failure.kind === "permanent") {
    return {
      action: "dead-letter",
      reason: "rejected",
      message: `rejected by the KPN API: ${failure.message}`,
    };
  }
  if (failure.kind === "rate_limited") {
    if (deferrals >= RATE_LIMIT_DEFERRALS_PER_ATTEMPT * config.maxAttempts) {
      return {
        action: "dead-letter",
        reason: "exhausted",
        message: `still rate limited after ${deferrals} deferrals: ${failure.message}`,
      };
    }
    const asked =
      failure.retryAfterMs ??
      computeBackoffMs(deferrals + 1, {
        baseMs: config.backoffMs,
        maxMs: config.backoffMaxMs,
        random,
      });
    const pauseMs = clamp(asked, MIN_RATE_LIMIT_PAUSE_MS, MAX_RETRY_AFTER_MS);
    return { action: "defer", cause: "rate_limited", pauseMs, deferrals };
  }
  const configFault = failure.kind === "auth" || failure.code === "KPN_REDIRECTED";
  if (configFault) {
    if (deferrals >= CONFIG_DEFERRALS_PER_ATTEMPT * config.maxAttempts) {
      return {
        action: "dead-letter",
        reason: "exhausted",
        message:
          failure.kind === "auth"
            ? `authentication kept failing: ${failure.message}`
            : `the KPN API kept redirecting: ${failure.message}`,
      };
    }
    const exponent = Math.min(attempts.configFailuresInARow, 20);
    const pauseMs = clamp(
      config.backoffMs * 2 ** exponent,
      1,
      Math.min(MAX_CONFIG_PAUSE_MS, config.backoffMaxMs),
    );
    const cause = failure.kind === "auth" ? "auth" : "redirected";
    return { action: "defer", cause, pauseMs, deferrals };
  }
  if (attempt >= maxAttempts) {
    return {
      action: "dead-letter",
      reason: "exhausted",
      message: `gave up after ${attempt} attempts: ${failure.message}`,
    };
  }
  const decision: FailureDecision = { action: "retry", attempt, maxAttempts };
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) {
    decision.minDelayMs = Math.min(failure.retryAfterMs, MAX_RETRY_AFTER_MS);
  }
  return decision;
}

function clamp(value: number, min: number, max: number): number {
  const finite = Number.isFinite(value) ? value : min;
  return Math.min(max, Math.max(min, Math.ceil(finite)));
}
