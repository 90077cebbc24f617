import { waitFor } from "@sms-relay/testing";
import { expect, it } from "vitest";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

it("shares one access token across 500 concurrent sends", async () => {
  const stack = await stacks.start({ label: "token", env: { WORKER_CONCURRENCY: "50" } });
  const inputs = Array.from({ length: 500 }, (_, i) => ({
    to: `+3162${String(i).padStart(7, "0")}`,
    content: `token ${i}`,
  }));
  const { rejected } = await stack.producer.sendMany(inputs);
  expect(rejected).toEqual([]);

  await waitFor(async () => (await stack.sms.getJobCounts("completed"))?.completed === 500, {
    timeoutMs: 60_000,
    description: "500 completed jobs",
  });
  expect(stack.api.sandbox.received()).toHaveLength(500);
  expect(stack.api.sandbox.stats().tokenRequests).toBe(1);
}, 90_000);
