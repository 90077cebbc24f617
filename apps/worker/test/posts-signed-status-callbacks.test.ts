import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CALLBACK_QUEUE, type SmsCallbackEvent, verifyCallback } from "@sms-relay/producer";
import { waitFor } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();
const SECRET = "callback-secret-for-tests";

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
    } finally {
      await queue.close();
    }
  });
});
