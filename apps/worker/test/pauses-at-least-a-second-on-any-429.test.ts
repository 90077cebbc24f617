import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createKpnClient } from "@sms-relay/kpn-client";
import { waitFor } from "@sms-relay/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createDeadLetterAction } from "../src/dead-letter.js";
import { MIN_RATE_LIMIT_PAUSE_MS } from "../src/failure-decision.js";
import { processSms } from "../src/process-sms.js";
import { makeJob, smsData } from "./support/job-like.js";
import { captureLogs } from "./support/log-capture.js";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

describe("a 429 whose Retry-After asks for no pause", () => {
  it("pauses the queue for at least a second and never burns an attempt", async () => {
    const stack = await stacks.start({
      label: "retry-after-zero",
      faults: { rate429: 1, retryAfterSeconds: 0 },
      env: { SMS_MAX_ATTEMPTS: "2" },
    });
    const { id } = await stack.producer.send({ to: "0612340001", content: "straks" });
    await waitFor(() => (stack.api.sandbox.stats().byStatus["429"] ?? 0) >= 3, {
      timeoutMs: 15_000,
      description: "three 429 answers",
    });
    stack.api.sandbox.setFaults({});
    const status = await waitFor(
      async () => {
        const s = await stack.producer.status(id);
        return s?.state === "sent" ? s : undefined;
      },
      { timeoutMs: 15_000, description: "sent after the pauses" },
    );

    // Every request after a 429 came at least the floor later: no tight loop against the API.
    const requests = stack.api.sandbox.requests().filter((r) => r.path.endsWith("/send"));
    for (let i = 1; i < requests.length; i++) {
      const gap = (requests[i]?.at ?? 0) - (requests[i - 1]?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual(MIN_RATE_LIMIT_PAUSE_MS - 50);
    }
    expect(status.attemptsMade).toBe(1);
    expect(await stack.deadLetters.count()).toBe(0);
    expect(stack.logs.text()).not.toContain("invalid expire time");
  });
});

describe("Retry-After values that mean no wait", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    server = undefined;
  });

  it.each([
    ["0"],
    ["0.0001"],
    ["Thu, 01 Jan 1970 00:00:00 GMT"],
    [new Date(Date.now() - 60_000).toUTCString()],
  ])("Retry-After: %s pauses the floor, and a refused pause still defers", async (retryAfter) => {
    server = createServer((request, response) => {
      request.resume();
      if (request.url?.startsWith("/oauth")) {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ access_token: "t", expires_in: "3599", token_type: "Bearer" }),
        );
        return;
      }
      response.writeHead(429, { "content-type": "application/json", "retry-after": retryAfter });
      response.end('{"fault":{"faultstring":"Rate limit quota violation"}}');
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const kpn = createKpnClient({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: "id",
      clientSecret: "secret",
    });
    const logs = captureLogs("info");
    const pauses: number[] = [];
    const deps = {
      config: {
        kpnMaxContentLength: 160,
        maxSegments: 10,
        maxAttempts: 3,
        defaultSender: "SMSRelay",
        backoffMs: 10,
        backoffMaxMs: 100,
      },
      kpn,
      deadLetter: createDeadLetterAction({ write: async () => true, logger: logs.logger }),
      logger: logs.logger,
    };
    try {
      const paused = processSms(makeJob(smsData()), {
        ...deps,
        pauseQueue: async (ms) => {
          pauses.push(ms);
        },
      });
      await expect(paused).rejects.toMatchObject({ name: "RateLimitError" });
      expect(pauses).toEqual([MIN_RATE_LIMIT_PAUSE_MS]);

      // Redis refuses the pause (as BullMQ's rateLimit(0) did): the job is still deferred, not
      // failed, and this worker waits the pause out itself.
      const started = Date.now();
      const refused = processSms(makeJob(smsData()), {
        ...deps,
        pauseQueue: async () => {
          throw new Error("ERR invalid expire time in 'set' command");
        },
      });
      await expect(refused).rejects.toMatchObject({ name: "RateLimitError" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(MIN_RATE_LIMIT_PAUSE_MS - 20);
    } finally {
      await kpn.close();
    }
  });
});
