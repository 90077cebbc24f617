import { waitFor } from "@sms-relay/testing";
import { expect, it } from "vitest";
import { useWorkerStack } from "./helpers/stack.js";

const stacks = useWorkerStack();

/** The most sends the sandbox saw arrive within any one second. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1000) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

it("never lets more than SMS_RATE_LIMIT_PER_SECOND sends reach the API in any second", async () => {
  const stack = await stacks.start({
    label: "rate",
    faults: { latencyMs: 5, latencyJitterMs: 20, seed: 11 },
    env: { SMS_RATE_LIMIT_PER_SECOND: "20", WORKER_CONCURRENCY: "30" },
  });
  const inputs = Array.from({ length: 60 }, (_, i) => ({
    to: `+3164${String(i).padStart(7, "0")}`,
    content: `tempo ${i}`,
  }));
  await stack.producer.sendMany(inputs);
  await waitFor(async () => (await stack.sms.getJobCounts("completed"))?.completed === 60, {
    timeoutMs: 30_000,
    description: "60 completed jobs",
  });

  const times = stack.api.sandbox.requests().map((request) => request.at);
  expect(times).toHaveLength(60);
  expect(busiestSecond(times)).toBeLessThanOrEqual(20);
  // 60 at 20 per second cannot take less than two seconds.
  expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2000);
}, 60_000);
