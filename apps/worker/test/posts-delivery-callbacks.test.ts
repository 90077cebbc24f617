import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CALLBACK_QUEUE,
  combineDeliveryStates,
  type ReportedDeliveryState,
  type SmsCallbackEvent,
  verifyCallback,
} from "@sms-relay/producer";
import { createReceiptsServer } from "@sms-relay/receipts";
import { freePort, waitFor } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();
const SECRET = "callback-secret-for-tests";
const TOTAL = 60;

interface Received {
  eventId: string;
  event: SmsCallbackEvent;
}

async function startBackend() {
  const received: Received[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({
      eventId: String(request.headers["x-sms-relay-event-id"]),
      event: verifyCallback({
        body: Buffer.concat(chunks),
        headers: request.headers,
        secret: SECRET,
      }),
    });
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/sms-status`, received, close: () => server.close() };
}

let backend: Awaited<ReturnType<typeof startBackend>> | undefined;
afterEach(() => {
  backend?.close();
  backend = undefined;
});

it("posts a delivery event for each change of an SMS's delivery state, once, whatever KPN repeats", async () => {
  backend = await startBackend();
  const port = await freePort();
  const stack = await stacks.start({
    label: "dlr-callbacks",
    deliveryReports: {
      failedShare: 0.2,
      pendingShare: 0.5,
      duplicateShare: 0.3,
      outOfOrderShare: 0.2,
      timeScale: 0.001,
      seed: 11,
    },
    env: {
      SMS_DLR_URL: `http://127.0.0.1:${port}/kpn/dlr`,
      SMS_CALLBACK_SECRET: SECRET,
      SMS_CALLBACK_BACKOFF_MS: "50",
    },
  });
  const redis = new Redis(stacks.redis.url);
  const receipts = createReceiptsServer({
    redis,
    prefix: stack.config.queuePrefix,
    keys: [{ id: "sandbox-key", secret: "sandbox-webhook-secret" }],
    logger: pino({ level: "silent" }),
  });
  await receipts.listen(port, "127.0.0.1");
  const callbackQueue = new Queue(CALLBACK_QUEUE, {
    connection: { url: stacks.redis.url },
    prefix: stack.config.queuePrefix,
  });
  try {
    const { accepted } = await stack.producer.sendMany(
      Array.from({ length: TOTAL }, (_, i) => ({
        to: `+3163${String(i).padStart(7, "0")}`,
        content: `uw code is ${2000 + i}`,
        // Every other SMS asks for callbacks; the rest must cause none.
        ...(i % 2 === 0 ? { callbackUrl: backend!.url } : {}),
      })),
    );
    await waitFor(async () => (await stack.sms.getJobCounts("completed")).completed === TOTAL, {
      timeoutMs: 60_000,
      description: "every SMS sent",
    });
    await stack.api.sandbox.reportsSettled(30_000);

    const reported = new Map<string, ReportedDeliveryState[]>();
    for (const outcome of stack.api.sandbox.reportOutcomes()) {
      reported.set(outcome.recipient, [
        ...(reported.get(outcome.recipient) ?? []),
        outcome.outcome,
      ]);
    }
    const withCallbacks = accepted.filter((_, i) => i % 2 === 0);
    // Each SMS with a callback URL: `sent`, then its final delivery state (a `pending` event
    // too, when a pending report came before the final one).
    await waitFor(
      () =>
        withCallbacks.every((receipt) => {
          const final = combineDeliveryStates(reported.get(receipt.to) ?? []);
          return backend!.received.some((r) => r.eventId === `${receipt.id}-delivery-${final}`);
        }),
      { timeoutMs: 30_000, description: "every final delivery event" },
    );
    // Nothing more is on its way: the queue is drained.
    await waitFor(async () => {
      const counts = await callbackQueue.getJobCounts("waiting", "delayed", "active");
      return (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0) === 0;
    });

    const ids = backend.received.map((r) => r.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const askers = new Set(withCallbacks.map((r) => r.id));
    expect(backend.received.every((r) => askers.has(r.event.id))).toBe(true);
    for (const receipt of withCallbacks) {
      const events = backend.received.filter((r) => r.event.id === receipt.id);
      const final = combineDeliveryStates(reported.get(receipt.to) ?? []);
      const status = await stack.producer.status(receipt.id);
      const delivery = events.filter((r) => r.event.event === "delivery");
      expect(delivery.map((r) => r.event.delivery.state)).toContain(final);
      expect(delivery.every((r) => ["pending", final].includes(r.event.delivery.state))).toBe(true);
      const last = delivery.find((r) => r.event.delivery.state === final)!.event;
      expect(last).toMatchObject({
        event: "delivery",
        state: "sent",
        to: receipt.to,
        documentIds: status.documentIds,
        delivery: status.delivery,
      });
      expect(events.filter((r) => r.event.event === "sent")).toHaveLength(1);
    }
    const finals = new Set(
      withCallbacks.map((r) => combineDeliveryStates(reported.get(r.to) ?? [])),
    );
    expect(finals).toEqual(new Set(["delivered", "failed"]));
    expect(backend.received.some((r) => r.event.delivery.state === "pending")).toBe(true);
  } finally {
    await callbackQueue.close();
    await receipts.close();
    redis.disconnect();
  }
}, 120_000);
