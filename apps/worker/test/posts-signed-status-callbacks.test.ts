import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CALLBACK_JOB_NAME,
  CALLBACK_QUEUE,
  type SmsCallbackEvent,
  verifyCallback,
} from "@sms-relay/producer";
import { waitFor } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import type { CallbackJobData } from "../src/status-callbacks.js";
import { readMetric } from "./support/prometheus.js";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();
const SECRET = "callback-secret-for-tests";

/** The worker's `sms_callbacks_total` for these labels, read from its `/metrics`. */
async function callbacksCounted(
  healthUrl: string,
  labels: Record<string, string>,
): Promise<number> {
  const response = await fetch(`${healthUrl}/metrics`);
  return readMetric(await response.text(), "sms_callbacks_total", labels);
}

interface Received {
  eventId: string;
  event: SmsCallbackEvent;
}

/** A backend that refuses the first `failures` callbacks with `status`, then takes them. */
async function startBackend(failures: number, status = 503) {
  const received: Received[] = [];
  const attempts = new Map<string, number>();
  let refused = 0;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const eventId = String(request.headers["x-sms-relay-event-id"]);
    attempts.set(eventId, (attempts.get(eventId) ?? 0) + 1);
    if (refused < failures) {
      refused += 1;
      response.writeHead(status).end();
      return;
    }
    received.push({
      eventId,
      event: verifyCallback({ body, headers: request.headers, secret: SECRET }),
    });
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms-status`,
    received,
    attempts,
    close: () => server.close(),
  };
}

describe("status callbacks", () => {
  let backend: Awaited<ReturnType<typeof startBackend>> | undefined;
  afterEach(() => {
    backend?.close();
    backend = undefined;
  });

  it("posts sent and dead events, signed, retrying a backend that answers 503 until it recovers", async () => {
    backend = await startBackend(6);
    const stack = await stacks.start({
      label: "callbacks",
      // The worker believes the account takes 1000 characters; the sandbox takes 160 and says 400.
      env: {
        SMS_CALLBACK_SECRET: SECRET,
        SMS_CALLBACK_BACKOFF_MS: "50",
        KPN_MAX_CONTENT_LENGTH: "1000",
      },
    });
    const sent = await stack.producer.send({
      to: "0612345678",
      content: "verzonden",
      callbackUrl: backend.url,
    });
    const dead = await stack.producer.send({
      to: "0612345679",
      content: "te lang ".repeat(30),
      callbackUrl: backend.url,
    });
    await waitFor(() => (backend?.received.length ?? 0) >= 2, {
      timeoutMs: 30_000,
      description: "both events",
    });
    const byId = new Map(backend.received.map((r) => [r.event.id, r]));
    expect(byId.get(sent.id)?.event).toMatchObject({
      event: "sent",
      state: "sent",
      to: "+31612345678",
    });
    expect(byId.get(sent.id)?.eventId).toBe(`${sent.id}-sent`);
    expect(byId.get(dead.id)?.event).toMatchObject({ event: "dead", deadReason: "rejected" });
    // Refused attempts and the last one carried the same event id.
    expect([...backend.attempts.values()].reduce((a, b) => a + b, 0)).toBe(2 + 6);
    expect(backend.received).toHaveLength(2);

    // Every attempt is counted once, by event and outcome.
    const url = stack.worker.healthUrl;
    await waitFor(async () => (await callbacksCounted(url, { outcome: "delivered" })) === 2, {
      description: "both deliveries counted",
    });
    expect(await callbacksCounted(url, { event: "sent", outcome: "delivered" })).toBe(1);
    expect(await callbacksCounted(url, { event: "dead", outcome: "delivered" })).toBe(1);
    expect(await callbacksCounted(url, { outcome: "retried" })).toBe(6);
    expect(await callbacksCounted(url, { outcome: "refused" })).toBe(0);
    expect(await callbacksCounted(url, { outcome: "given_up" })).toBe(0);
  });

  it("stops at a 4xx other than 408 and 429, keeping the failed job", async () => {
    backend = await startBackend(100, 404);
    const stack = await stacks.start({
      label: "callbacks-404",
      env: { SMS_CALLBACK_SECRET: SECRET, SMS_CALLBACK_BACKOFF_MS: "50" },
    });
    const { id } = await stack.producer.send({
      to: "0612345678",
      content: "weg",
      callbackUrl: backend.url,
    });
    const queue = new Queue(CALLBACK_QUEUE, {
      connection: { url: stacks.redis.url },
      prefix: stack.config.queuePrefix,
    });
    try {
      await waitFor(async () => (await queue.getJobState(`${id}-sent`)) === "failed", {
        description: "the callback job failed for good",
      });
      expect(backend.attempts.get(`${id}-sent`)).toBe(1);
      const url = stack.worker.healthUrl;
      await waitFor(async () => (await callbacksCounted(url, { outcome: "refused" })) === 1, {
        description: "the refusal counted",
      });
      expect(await callbacksCounted(url, { event: "sent", outcome: "refused" })).toBe(1);
      expect(await callbacksCounted(url, {})).toBe(1);
    } finally {
      await queue.close();
    }
  });

  it("counts the last failed attempt as given up, and network errors as retried", async () => {
    // Nothing listens on this port: every attempt is a connection error.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const stack = await stacks.start({
      label: "callbacks-given-up",
      env: { SMS_CALLBACK_SECRET: SECRET, SMS_CALLBACK_BACKOFF_MS: "10" },
    });
    const queue = new Queue<CallbackJobData>(CALLBACK_QUEUE, {
      connection: { url: stacks.redis.url },
      prefix: stack.config.queuePrefix,
    });
    try {
      // The worker's own events get 40 attempts, more than a day apart; a job with 3 (one
      // enqueued by an older release, say) reaches its last attempt within the test.
      await queue.add(
        CALLBACK_JOB_NAME,
        {
          v: 1,
          url: `http://127.0.0.1:${port}/sms-status`,
          eventId: "sms-1-dead",
          event: {
            id: "sms-1",
            event: "dead",
            state: "dead",
            deadReason: "expired",
            delivery: { state: "unknown" },
            documentIds: [],
            to: "+31612345678",
            at: new Date().toISOString(),
          },
        },
        { jobId: "sms-1-dead", attempts: 3, backoff: { type: "callback" } },
      );
      await waitFor(async () => (await queue.getJobState("sms-1-dead")) === "failed", {
        description: "the callback job failed after its last attempt",
      });
      const url = stack.worker.healthUrl;
      await waitFor(async () => (await callbacksCounted(url, { outcome: "given_up" })) === 1, {
        description: "the last attempt counted",
      });
      expect(await callbacksCounted(url, { event: "dead", outcome: "given_up" })).toBe(1);
      expect(await callbacksCounted(url, { event: "dead", outcome: "retried" })).toBe(2);
      expect(await callbacksCounted(url, {})).toBe(3);
    } finally {
      await queue.close();
    }
  });
});
