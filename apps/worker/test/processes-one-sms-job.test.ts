import { UnrecoverableError } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { createDeadLetterAction, type DeadLetterInput } from "../src/dead-letter.js";
import { SmsRetryableError } from "../src/errors.js";
import { createWorkerMetrics } from "../src/metrics.js";
import { type ProcessSmsDeps, processSms } from "../src/process-sms.js";
import { createReadiness } from "../src/readiness.js";
import { makeJob, smsData } from "./support/job-like.js";
import { captureLogs } from "./support/log-capture.js";
import { type SandboxWithClient, startSandbox } from "./support/sandbox.js";

let api: SandboxWithClient | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

function setup(kpn: SandboxWithClient, config: Partial<ProcessSmsDeps["config"]> = {}) {
  const deadLetters: DeadLetterInput[] = [];
  const pauses: number[] = [];
  const logs = captureLogs("info");
  const metrics = createWorkerMetrics();
  const readiness = createReadiness();
  const deps: ProcessSmsDeps = {
    config: {
      kpnMaxContentLength: 160,
      maxSegments: 10,
      maxAttempts: 3,
      defaultSender: "SMSRelay",
      backoffMs: 10,
      backoffMaxMs: 100,
      ...config,
    },
    kpn: kpn.client,
    deadLetter: createDeadLetterAction({
      write: async (input) => {
        deadLetters.push(input);
        return true;
      },
      logger: logs.logger,
      metrics,
    }),
    pauseQueue: async (ms) => {
      pauses.push(ms);
    },
    logger: logs.logger,
    metrics,
    readiness,
    state: { configFailures: 0 },
  };
  return { deps, deadLetters, pauses, logs, metrics, readiness };
}

const LONG = `${"Uw pakket wordt morgen tussen 9 en 12 uur bezorgd. ".repeat(7)}Tot ziens!`;

describe("processSms", () => {
  it("sends every part of a long SMS in one request, in order, and records the document id", async () => {
    api = await startSandbox();
    const { deps, logs } = setup(api);
    const job = makeJob(smsData({ content: LONG }));

    const result = await processSms(job, deps);

    const received = api.sandbox.received();
    expect(received).toHaveLength(1);
    const parts = received[0]?.messages.map((m) => m.content) ?? [];
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join(" ").replace(/\s+/g, " ")).toBe(LONG.replace(/\s+/g, " "));
    expect(received[0]?.messages.every((m) => m.mobileNumber === "+31612345678")).toBe(true);
    expect(received[0]?.sender).toBe("RelayTest");
    expect(result).toEqual({
      documentIds: [received[0]?.documentId],
      parts: parts.length,
      segments: expect.any(Number),
      encoding: "GSM-7",
      sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(job.progressUpdates).toEqual([
      { documentIds: [received[0]?.documentId], partsSent: parts.length },
    ]);

    const sentLine = logs.lines.find((line) => line.msg === "sms sent");
    expect(sentLine).toMatchObject({ to: "+316****5678", parts: parts.length });
    expect(logs.text()).not.toContain("31612345678");
    expect(logs.text()).not.toContain("Uw pakket");
  });

  it("never resends parts already recorded on the job", async () => {
    api = await startSandbox();
    const { deps } = setup(api);
    const content = LONG;
    const job = makeJob(smsData({ content }), {
      attemptsMade: 1,
      progress: { documentIds: ["doc-from-earlier"], partsSent: 1 },
    });

    const result = await processSms(job, deps);

    const received = api.sandbox.received();
    expect(received).toHaveLength(1);
    expect(received[0]?.messages).toHaveLength(result.parts - 1);
    expect(result.documentIds).toEqual(["doc-from-earlier", received[0]?.documentId]);
  });

  it("sends nothing when every part was already accepted", async () => {
    api = await startSandbox();
    const { deps } = setup(api);
    const job = makeJob(smsData(), { progress: { documentIds: ["doc-1"], partsSent: 1 } });
    const result = await processSms(job, deps);
    expect(api.sandbox.stats().sendRequests).toBe(0);
    expect(result.documentIds).toEqual(["doc-1"]);
  });

  it.each([
    ["wrong types", smsData({ content: 42 })],
    ["missing fields", { v: 1, to: "+31612345678" }],
    ["a foreign number", smsData({ to: "+4915112345678" })],
    ["another version", smsData({ v: 2 })],
    ["not an object", "hello"],
  ])("dead-letters job data with %s as invalid", async (_label, data) => {
    api = await startSandbox();
    const { deps, deadLetters, metrics } = setup(api);
    const job = makeJob(data, { id: "bad-job" });

    await expect(processSms(job, deps)).rejects.toBeInstanceOf(UnrecoverableError);

    expect(api.sandbox.stats().sendRequests).toBe(0);
    expect(deadLetters).toEqual([
      expect.objectContaining({
        jobId: "bad-job",
        reason: "invalid",
        message: data,
        attemptsMade: 1,
        documentIds: [],
        error: expect.objectContaining({ code: "SMS_INVALID_JOB_DATA" }),
      }),
    ]);
    expect(deadLetters[0]?.error.message).toMatch(/^invalid job data: \S+: /);
    expect(await metrics.registry.getSingleMetricAsString("sms_dead_lettered_total")).toContain(
      'reason="invalid"} 1',
    );
  });

  it("dead-letters content over SMS_MAX_SEGMENTS as invalid", async () => {
    api = await startSandbox();
    const { deps, deadLetters } = setup(api, { maxSegments: 2 });
    await expect(processSms(makeJob(smsData({ content: LONG })), deps)).rejects.toThrow(
      /SMS_MAX_SEGMENTS/,
    );
    expect(deadLetters[0]?.reason).toBe("invalid");
    expect(api.sandbox.stats().sendRequests).toBe(0);
  });

  it("dead-letters a refused SMS as rejected on the first attempt, with the API's answer", async () => {
    api = await startSandbox({ maxContentLength: 160 });
    // The worker thinks the account takes 1000 characters; the API refuses the long message.
    const { deps, deadLetters } = setup(api, { kpnMaxContentLength: 1000 });
    const job = makeJob(smsData({ content: LONG }), { id: "too-long" });

    await expect(processSms(job, deps)).rejects.toBeInstanceOf(UnrecoverableError);

    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      jobId: "too-long",
      reason: "rejected",
      attemptsMade: 1,
      error: {
        status: 400,
        message: expect.any(String),
        code: expect.any(String),
        body: expect.any(String),
      },
    });
    expect(deadLetters[0]?.message).toMatchObject({ to: "+31612345678", content: LONG });
  });

  it("asks for a retry on a 503, and dead-letters as exhausted on the last attempt", async () => {
    api = await startSandbox({ faults: { rate503: 1 } });
    const { deps, deadLetters } = setup(api, { maxAttempts: 3 });

    const first = processSms(makeJob(smsData(), { attemptsMade: 0 }), deps);
    await expect(first).rejects.toBeInstanceOf(SmsRetryableError);
    expect(deadLetters).toHaveLength(0);

    const last = processSms(makeJob(smsData(), { id: "last", attemptsMade: 2 }), deps);
    await expect(last).rejects.toBeInstanceOf(UnrecoverableError);
    expect(deadLetters).toEqual([
      expect.objectContaining({ jobId: "last", reason: "exhausted", attemptsMade: 3 }),
    ]);
    expect(deadLetters[0]?.error.status).toBe(503);
  });

  it("pauses the queue for Retry-After on a 429 and defers the job without an attempt", async () => {
    api = await startSandbox({ faults: { rate429: 1, retryAfterSeconds: 2 } });
    const { deps, pauses, deadLetters, metrics } = setup(api);

    const error = await processSms(makeJob(smsData()), deps).catch((e: unknown) => e);

    expect((error as Error).message).toBe("bullmq:rateLimitExceeded");
    expect(pauses).toEqual([2000]);
    expect(deadLetters).toHaveLength(0);
    expect(await metrics.registry.getSingleMetricAsString("sms_rate_limited_total")).toContain(
      "sms_rate_limited_total 1",
    );
  });

  it("gives up a job that keeps being rate limited", async () => {
    api = await startSandbox({ faults: { rate429: 1 } });
    const { deps, deadLetters } = setup(api, { maxAttempts: 2 });
    const job = makeJob(smsData(), { attemptsMade: 0, attemptsStarted: 7 });
    await expect(processSms(job, deps)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(deadLetters[0]).toMatchObject({ reason: "exhausted", attemptsMade: 1 });
  });

  it("counts and logs a failure that may have sent the SMS", async () => {
    api = await startSandbox({ faults: { rate500Sent: 1 } });
    const { deps, logs, metrics } = setup(api);
    await expect(processSms(makeJob(smsData(), { id: "ambiguous" }), deps)).rejects.toBeInstanceOf(
      SmsRetryableError,
    );
    expect(
      await metrics.registry.getSingleMetricAsString("sms_ambiguous_failures_total"),
    ).toContain("sms_ambiguous_failures_total 1");
    const warning = logs.lines.find((line) => String(line.msg).includes("may have been sent"));
    expect(warning).toMatchObject({ jobId: "ambiguous", to: "+316****5678", level: 40 });
  });

  it("marks the worker unready and pauses the queue when credentials are refused", async () => {
    api = await startSandbox({ clientSecret: "wrong-secret" });
    const { deps, pauses, readiness, deadLetters, logs } = setup(api);
    readiness.setRedisConnected(true);
    readiness.setWorkerRunning(true);

    const error = await processSms(makeJob(smsData()), deps).catch((e: unknown) => e);

    expect((error as Error).message).toBe("bullmq:rateLimitExceeded");
    expect(readiness.report()).toEqual({ ready: false, reason: "kpn_auth_failing" });
    expect(pauses).toHaveLength(1);
    expect(deadLetters).toHaveLength(0);
    expect(logs.text()).not.toContain("wrong-secret");
  });
});
