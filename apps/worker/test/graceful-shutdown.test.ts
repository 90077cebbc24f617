import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Stack, startStack } from "./helpers/stack.js";

let redis: TestRedis;
let stack: Stack | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await stack?.close();
  await redis.close();
});

it("finishes the jobs in flight when closed, and takes no new ones", async () => {
  stack = await startStack({
    redis,
    label: "shutdown",
    faults: { latencyMs: 1500 },
    env: { WORKER_CONCURRENCY: "5" },
  });
  const inputs = Array.from({ length: 8 }, (_, i) => ({
    to: `+3163${String(i).padStart(7, "0")}`,
    content: `afsluiten ${i}`,
  }));
  const { accepted } = await stack.producer.sendMany(inputs);
  await waitFor(() => stack?.api.sandbox.stats().sendRequests === 5, {
    description: "5 sends in flight",
  });

  await stack.worker.close();

  const received = stack.api.sandbox.received();
  expect(received).toHaveLength(5);
  const states = await Promise.all(
    accepted.map(async (receipt) => await (await stack?.sms.getJob(receipt.id))?.getState()),
  );
  expect(states.filter((state) => state === "completed")).toHaveLength(5);
  expect(states.filter((state) => state === "waiting")).toHaveLength(3);
  expect(stack.api.sandbox.stats().sendRequests).toBe(5);
  await expect(fetch(`${stack.worker.healthUrl}/healthz`)).rejects.toThrow();
});
