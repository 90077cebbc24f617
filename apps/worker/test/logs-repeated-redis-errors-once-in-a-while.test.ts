import { waitFor } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { expect, it } from "vitest";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

it("logs a Redis at maxmemory a few times, not thousands, and sends everything once it has room", async () => {
  const stack = await stacks.start({ label: "oom-logs" });
  const admin = new Redis(stacks.redis.url);
  try {
    await admin.config("SET", "maxmemory-policy", "noeviction");
    await admin.config("SET", "maxmemory", "1");
    // Jobs added while Redis is full cannot be added; add them before, delayed into the full window.
    await admin.config("SET", "maxmemory", "0");
    const { accepted } = await stack.producer.sendMany(
      Array.from({ length: 50 }, (_, i) => ({
        to: `+316120000${String(i).padStart(2, "0")}`,
        content: `vol ${i}`,
        delayMs: 300,
      })),
    );
    await admin.config("SET", "maxmemory", "1");
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await admin.config("SET", "maxmemory", "0");

    await waitFor(
      async () => (await stack.sms.getJobCounts("completed")).completed === accepted.length,
      { timeoutMs: 60_000, description: "every SMS sent after Redis has room again" },
    );
    const errorLines = stack.logs.lines.filter((line) => (line.level as number) >= 40);
    expect(errorLines.length, JSON.stringify(errorLines.slice(0, 5))).toBeLessThan(60);
    expect(stack.api.sandbox.received()).toHaveLength(accepted.length);
  } finally {
    await admin.config("SET", "maxmemory", "0").catch(() => {});
    admin.disconnect();
  }
}, 90_000);
