import { describe, expect, it } from "vitest";
import {
  type AttemptFacts,
  CONFIG_DEFERRALS_PER_ATTEMPT,
  decideFailure,
  type FailureFacts,
  MAX_CONFIG_PAUSE_MS,
  MAX_RETRY_AFTER_MS,
  MIN_RATE_LIMIT_PAUSE_MS,
  RATE_LIMIT_DEFERRALS_PER_ATTEMPT,
} from "../src/failure-decision.js";

const config = { maxAttempts: 5, backoffMs: 2000, backoffMaxMs: 600_000 };
const half = () => 0.5;

function failure(overrides: Partial<FailureFacts>): FailureFacts {
  return {
    kind: "transient",
    code: "KPN_SERVER_ERROR",
    message: "boom",
    ambiguous: false,
    ...overrides,
  };
}

function attempts(overrides: Partial<AttemptFacts> = {}): AttemptFacts {
  return {
    attemptsMade: 0,
    attemptsStarted: 1,
    jobAttempts: 10,
    configFailuresInARow: 0,
    ...overrides,
  };
}

describe("decideFailure", () => {
  it.each<[string, Partial<FailureFacts>, Partial<AttemptFacts>, unknown]>([
    [
      "a refusal dead-letters at once",
      { kind: "permanent", code: "KPN_REJECTED" },
      {},
      { action: "dead-letter", reason: "rejected" },
    ],
    [
      "a refusal on the last attempt is still rejected",
      { kind: "permanent" },
      { attemptsMade: 4, attemptsStarted: 5 },
      { action: "dead-letter", reason: "rejected" },
    ],
    ["a 5xx retries", {}, {}, { action: "retry", attempt: 1, maxAttempts: 5 }],
    [
      "an ambiguous timeout retries the same way",
      { code: "KPN_TIMEOUT", ambiguous: true },
      {},
      { action: "retry", attempt: 1 },
    ],
    [
      "a 5xx with Retry-After waits at least that",
      { retryAfterMs: 7000 },
      {},
      { action: "retry", minDelayMs: 7000 },
    ],
    [
      "a 5xx on the last attempt is exhausted",
      {},
      { attemptsMade: 4, attemptsStarted: 5 },
      { action: "dead-letter", reason: "exhausted" },
    ],
    [
      "the job's own attempts count when lower",
      {},
      { attemptsMade: 1, attemptsStarted: 2, jobAttempts: 2 },
      { action: "dead-letter", reason: "exhausted" },
    ],
    [
      "a 429 with Retry-After pauses that long",
      { kind: "rate_limited", retryAfterMs: 3000 },
      {},
      { action: "defer", cause: "rate_limited", pauseMs: 3000 },
    ],
    [
      "a 429 with Retry-After: 0 pauses the floor",
      { kind: "rate_limited", retryAfterMs: 0 },
      {},
      { action: "defer", pauseMs: MIN_RATE_LIMIT_PAUSE_MS },
    ],
    [
      "a 429 with Retry-After 0.0001 s pauses the floor",
      { kind: "rate_limited", retryAfterMs: 0.1 },
      {},
      { action: "defer", pauseMs: MIN_RATE_LIMIT_PAUSE_MS },
    ],
    [
      "a 429 with a Retry-After of hours pauses at most 15 minutes",
      { kind: "rate_limited", retryAfterMs: 5 * 3_600_000 },
      {},
      { action: "defer", pauseMs: MAX_RETRY_AFTER_MS },
    ],
    [
      "a 429 without Retry-After backs off, at least the floor",
      { kind: "rate_limited" },
      {},
      { action: "defer", pauseMs: MIN_RATE_LIMIT_PAUSE_MS },
    ],
    [
      "a 429 after many deferrals backs off longer",
      { kind: "rate_limited" },
      { attemptsStarted: 5 },
      { action: "defer", pauseMs: 16_000, deferrals: 4 },
    ],
    [
      "a 429 on the last attempt still defers: no attempt is counted",
      { kind: "rate_limited", retryAfterMs: 1000 },
      { attemptsMade: 4, attemptsStarted: 5 },
      { action: "defer" },
    ],
    [
      "a 429 deferred too often is exhausted",
      { kind: "rate_limited" },
      { attemptsStarted: 1 + RATE_LIMIT_DEFERRALS_PER_ATTEMPT * config.maxAttempts },
      { action: "dead-letter", reason: "exhausted" },
    ],
    [
      "refused credentials pause the queue",
      { kind: "auth", code: "KPN_AUTH_FAILED" },
      {},
      { action: "defer", cause: "auth", pauseMs: 2000 },
    ],
    [
      "the pause grows with faults in a row",
      { kind: "auth" },
      { configFailuresInARow: 3 },
      { action: "defer", pauseMs: 16_000 },
    ],
    [
      "and is capped",
      { kind: "auth" },
      { configFailuresInARow: 30 },
      { action: "defer", pauseMs: MAX_CONFIG_PAUSE_MS },
    ],
    [
      "a redirect is a configuration fault, not a refusal",
      { kind: "transient", code: "KPN_REDIRECTED" },
      {},
      { action: "defer", cause: "redirected", pauseMs: 2000 },
    ],
    [
      "a redirect on the last attempt still defers",
      { code: "KPN_REDIRECTED" },
      { attemptsMade: 4, attemptsStarted: 5 },
      { action: "defer", cause: "redirected" },
    ],
    [
      "configuration faults deferred too often are exhausted",
      { kind: "auth" },
      { attemptsStarted: 1 + CONFIG_DEFERRALS_PER_ATTEMPT * config.maxAttempts },
      { action: "dead-letter", reason: "exhausted" },
    ],
    ["anything unclassified retries", { code: "SMS_UNEXPECTED" }, {}, { action: "retry" }],
  ])("%s", (_name, facts, where, expected) => {
    expect(decideFailure(failure(facts), attempts(where), config, half)).toMatchObject(
      expected as Record<string, unknown>,
    );
  });

  it("never decides a pause Redis would refuse", () => {
    for (const retryAfterMs of [0, -5, 0.0001, Number.NaN, Number.POSITIVE_INFINITY]) {
      const decision = decideFailure(
        failure({ kind: "rate_limited", retryAfterMs }),
        attempts(),
        config,
        () => 0,
      );
      expect(decision.action).toBe("defer");
      if (decision.action === "defer") {
        expect(Number.isInteger(decision.pauseMs)).toBe(true);
        expect(decision.pauseMs).toBeGreaterThanOrEqual(MIN_RATE_LIMIT_PAUSE_MS);
      }
    }
  });
});
