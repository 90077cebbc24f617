import { waitFor } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import { type Stack, useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

function numbers(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => `+3161${String(offset + i).padStart(7, "0")}`);
}

async function allCompleted(current: Stack, count: number): Promise<void> {
  await waitFor(async () => (await current.sms.getJobCounts("completed")).completed === count, {
    timeoutMs: 30_000,
    description: `${count} completed jobs`,
  });
}

describe("retries", () => {
  it("retries 503s with backoff until every SMS is sent, each once", async () => {
    const stack = await stacks.start({ label: "retry-503", faults: { rate503: 0.5, seed: 7 } });
    const to = numbers(30);
    await stack.producer.sendMany(to.map((n, i) => ({ to: n, content: `retry ${i}` })));

    await allCompleted(stack, 30);
    const received = stack.api.sandbox.received();
    expect(received).toHaveLength(30);
    expect(new Set(received.map((send) => send.messages[0]?.mobileNumber)).size).toBe(30);
    expect(stack.api.sandbox.stats().byStatus["503"]).toBeGreaterThan(0);
    const metrics = await (await fetch(`${stack.worker.healthUrl}/metrics`)).text();
    expect(metrics).toMatch(/sms_retries_total\{kind="transient"\} [1-9]/);
    expect(await stack.deadLetters.count()).toBe(0);
  });

  it("pauses the whole queue for Retry-After on a 429, then sends without burning attempts", async () => {
    const stack = await stacks.start({
      label: "retry-429",
      faults: { rate429: 1, retryAfterSeconds: 1 },
      env: { SMS_MAX_ATTEMPTS: "2" },
    });
    const { id } = await stack.producer.send({ to: "0612340000", content: "na de pauze" });
    await waitFor(() => stack.api.sandbox.stats().byStatus["429"] === 1, {
      description: "a 429 answer",
    });
    stack.api.sandbox.setFaults({});
    const limitedAt = stack.api.sandbox.requests().find((r) => r.status === 429)?.at ?? Infinity;

    const status = await waitFor(
      async () => {
        const s = await stack.producer.status(id);
        return s?.state === "sent" ? s : undefined;
      },
      { description: "sent after the pause" },
    );
    const sentAt = stack.api.sandbox.received()[0]?.receivedAt ?? 0;
    // Retry-After was 1 s, counted from the 429 answer: nothing may go out before it is over.
    expect(sentAt - limitedAt).toBeGreaterThanOrEqual(950);
    expect(status.attemptsMade).toBe(1);
    expect(stack.api.sandbox.stats().byStatus["429"]).toBe(1);
    const metrics = await (await fetch(`${stack.worker.healthUrl}/metrics`)).text();
    expect(metrics).toContain("sms_rate_limited_total 1");
  });

  it("keeps sending when the access token expires mid-run", async () => {
    const stack = await stacks.start({ label: "token-expiry" });
    await stack.producer.sendMany(numbers(10).map((to) => ({ to, content: "voor" })));
    await allCompleted(stack, 10);
    expect(stack.api.sandbox.stats().tokenRequests).toBe(1);

    stack.api.sandbox.expireTokens();
    await stack.producer.sendMany(numbers(10, 100).map((to) => ({ to, content: "na" })));
    await allCompleted(stack, 20);

    expect(stack.api.sandbox.received()).toHaveLength(20);
    expect(stack.api.sandbox.stats().tokenRequests).toBe(2);
    expect(await stack.deadLetters.count()).toBe(0);
  });
});
