import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CALLBACK_QUEUE, type SmsCallbackEvent, verifyCallback } from "@sms-relay/producer";
import { waitFor } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { CALLBACK_ATTEMPTS, callbackDelayMs } from "../src/status-callbacks.js";
import { readMetric } from "./support/prometheus.js";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();
const SECRET = "callback-secret-for-tests";

// Time runs 1000 times faster: the default backoff base of 5 s becomes 5 ms, so the hour of
// the outage becomes 3.6 s. Every gap of the schedule is the base times a power of two, so it
// scales with the base, until the cap of an hour, which no gap reaches within the outage
// (checked below).
const REAL_BASE_MS = 5_000;
const HOUR_MS = 3_600_000;
const SCALE = 1_000;
const BASE_MS = REAL_BASE_MS / SCALE;
const OUTAGE_MS = HOUR_MS / SCALE;

const TOTAL = 240;
// Every fourth SMS is longer than the sandbox account takes: the API refuses it and it is dead.
const DEAD_EVERY = 4;

/** Times of the attempts of one event (0 is the first) that fall within `withinMs`. */
function attemptTimes(baseMs: number, withinMs: number): number[] {
  const times = [0];
  for (let made = 1; made < CALLBACK_ATTEMPTS; made += 1) {
    const next = (times.at(-1) ?? 0) + callbackDelayMs(made, baseMs);
    if (next > withinMs) break;
    times.push(next);
  }
  return times;
}

interface Attempt {
  eventId: string;
  body: string;
  event: SmsCallbackEvent;
  answered: number;
}

/** A backend that answers 503 for `outageMs` from its start, then 200; it checks every signature. */
async function startBackend(outageMs: number) {
  const attempts: Attempt[] = [];
  const badSignatures: string[] = [];
  const recoversAt = Date.now() + outageMs;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    let event: SmsCallbackEvent;
    try {
      event = verifyCallback({ body, headers: request.headers, secret: SECRET });
    } catch (error) {
      badSignatures.push(String(error));
      response.writeHead(401).end();
      return;
    }
    const answered = Date.now() < recoversAt ? 503 : 200;
    attempts.push({
      eventId: String(request.headers["x-sms-relay-event-id"]),
      body,
      event,
      answered,
    });
    response.writeHead(answered).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms-status`,
    attempts,
    badSignatures,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("status callbacks through an outage", () => {
  let backend: Awaited<ReturnType<typeof startBackend>> | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it("gets every event to a backend that answers 503 for an hour, once it recovers, with one event id per event", async () => {
    // The scaled schedule is the real one: the same attempts fall within the hour, and the
    // 40 attempts reach far beyond it, so an hour's outage gives up on nothing.
    const realAttempts = attemptTimes(REAL_BASE_MS, HOUR_MS);
    expect(attemptTimes(BASE_MS, OUTAGE_MS)).toEqual(realAttempts.map((t) => t / SCALE));
    expect(realAttempts).toHaveLength(10);
    expect(attemptTimes(REAL_BASE_MS, Number.POSITIVE_INFINITY).at(-1)).toBeGreaterThan(
      24 * HOUR_MS,
    );

    const stack = await stacks.start({
      label: "callback-outage",
      // The worker believes the account takes 1000 characters; the sandbox takes 160 and says 400.
      env: {
        SMS_CALLBACK_SECRET: SECRET,
        SMS_CALLBACK_BACKOFF_MS: String(BASE_MS),
        KPN_MAX_CONTENT_LENGTH: "1000",
        LOG_LEVEL: "error",
      },
    });
    const outage = await startBackend(OUTAGE_MS);
    backend = outage;
    const inputs = Array.from({ length: TOTAL }, (_, i) => ({
      to: `06${String(10_000_000 + i)}`,
      content: i % DEAD_EVERY === 0 ? `bericht ${i} ${"x".repeat(200)}` : `bericht ${i}`,
      callbackUrl: outage.url,
    }));
    const { accepted, rejected } = await stack.producer.sendMany(inputs);
    expect(rejected).toEqual([]);
    const expected = new Map(
      accepted.map((r, i) => {
        const kind = i % DEAD_EVERY === 0 ? "dead" : "sent";
        return [`${r.id}-${kind}`, { id: r.id, kind }] as const;
      }),
    );

    const attempts = outage.attempts;
    const delivered = () =>
      new Set(attempts.filter((a) => a.answered === 200).map((a) => a.eventId));
    await waitFor(() => delivered().size >= expected.size, {
      timeoutMs: 25_000,
      description: `all ${expected.size} events delivered`,
    });
    // Nothing is left to try: every callback job completed, none failed.
    const queue = new Queue(CALLBACK_QUEUE, {
      connection: { url: stacks.redis.url },
      prefix: stack.config.queuePrefix,
    });
    try {
      await waitFor(
        async () => (await queue.getJobCounts("completed")).completed === expected.size,
        {
          description: "every callback job completed",
        },
      );
      const counts = await queue.getJobCounts("failed", "delayed", "wait", "active");
      expect(counts).toEqual({ failed: 0, delayed: 0, wait: 0, active: 0 });
    } finally {
      await queue.close();
    }

    expect(outage.badSignatures).toEqual([]);
    expect([...delivered()].sort()).toEqual([...expected.keys()].sort());
    // Grouped by what the body says, so that a retry under another event id would show.
    const byEvent = new Map<string, Attempt[]>();
    for (const attempt of attempts) {
      const key = `${attempt.event.id}-${attempt.event.event}`;
      byEvent.set(key, [...(byEvent.get(key) ?? []), attempt]);
    }
    expect(byEvent.size).toBe(expected.size);
    const outageAttempts: number[] = [];
    for (const [key, { id, kind }] of expected) {
      const tries = byEvent.get(key) ?? [];
      // Exactly one answered 2xx, and it was the last attempt.
      expect(
        tries.filter((a) => a.answered === 200),
        key,
      ).toHaveLength(1);
      expect(tries.at(-1)?.answered, key).toBe(200);
      // Every retry carried the same event id and the same body.
      expect(new Set(tries.map((a) => a.eventId)), key).toEqual(new Set([key]));
      expect(new Set(tries.map((a) => a.body)).size, key).toBe(1);
      expect(tries[0]?.event).toMatchObject({ id, event: kind, state: kind });
      if (kind === "dead") expect(tries[0]?.event.deadReason).toBe("rejected");
      outageAttempts.push(tries.filter((a) => a.answered === 503).length);
    }
    // The real schedule tries 10 times within the hour. Scaled, fewer fit: the first attempts
    // spread over the first second while the SMS go out, and the worker's own time per attempt
    // (240 events, 10 at a time) does not shrink with the clock, so the first gaps of 5, 10 and
    // 20 ms take a few hundred. Still every event was tried several times before the recovery.
    expect(Math.min(...outageAttempts)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...outageAttempts)).toBeLessThanOrEqual(realAttempts.length);

    // What the worker's /metrics says: every 503 retried, every event delivered, none given up.
    const metrics = await (await fetch(`${stack.worker.healthUrl}/metrics`)).text();
    const counted = (labels: Record<string, string>) =>
      readMetric(metrics, "sms_callbacks_total", labels);
    const refusals = attempts.filter((a) => a.answered === 503).length;
    expect(counted({ outcome: "retried" })).toBe(refusals);
    expect(counted({ outcome: "delivered" })).toBe(expected.size);
    expect(counted({ event: "dead", outcome: "delivered" })).toBe(TOTAL / DEAD_EVERY);
    expect(counted({ outcome: "given_up" })).toBe(0);
    expect(counted({ outcome: "refused" })).toBe(0);
  });
});
