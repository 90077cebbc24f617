import { sleep, waitFor } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import { type Stack, useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

async function deadLetter(stack: Stack, id: string) {
  const job = await waitFor(() => stack.deadLetters.getJob(id), {
    timeoutMs: 20_000,
    description: `dead letter ${id}`,
  });
  return job.data;
}

describe("an SMS with ttlSeconds", () => {
  it("tells the API how long it may keep trying (expirein, whole seconds left)", async () => {
    const stack = await stacks.start({ label: "expirein" });
    const { id } = await stack.producer.send({
      to: "0612345678",
      content: "uw code is 4711",
      ttlSeconds: 60,
    });
    await waitFor(async () => (await stack.producer.status(id)).state === "sent");
    const expirein = Number(stack.api.sandbox.received()[0]?.expirein);
    expect(expirein).toBeGreaterThanOrEqual(55);
    expect(expirein).toBeLessThanOrEqual(59);
  });

  it("is dead-lettered as expired, without calling the API, after waiting in a backlog", async () => {
    const stack = await stacks.start({ label: "expired-backlog" });
    await stack.worker.worker.pause(true);
    const { id } = await stack.producer.send({
      to: "0612345678",
      content: "te laat",
      ttlSeconds: 1,
    });
    await sleep(1_200);
    stack.worker.worker.resume();

    const record = await deadLetter(stack, id);
    expect(record).toMatchObject({ reason: "expired", error: { code: "SMS_EXPIRED" } });
    expect(stack.api.sandbox.received()).toHaveLength(0);
    const status = await stack.producer.status(id);
    expect(status).toMatchObject({ state: "dead", deadReason: "expired" });
  });

  it("stops retrying at its expiry, and sends nothing after it", async () => {
    const stack = await stacks.start({
      label: "expired-retries",
      faults: { rate503: 1 },
      env: { SMS_BACKOFF_MS: "400", SMS_BACKOFF_MAX_MS: "400", SMS_MAX_ATTEMPTS: "50" },
    });
    const sentAt = Date.now();
    const { id } = await stack.producer.send({
      to: "0612345678",
      content: "nog even",
      ttlSeconds: 2,
    });
    const record = await deadLetter(stack, id);
    expect(record.reason).toBe("expired");
    const sends = stack.api.sandbox.requests().filter((r) => r.path.endsWith("/send"));
    expect(sends.length).toBeGreaterThan(0);
    for (const request of sends) expect(request.at).toBeLessThan(sentAt + 2_000);
    // Dead-lettered at the expiry, not after a long backoff.
    expect(Date.parse(record.failedAt) - sentAt).toBeLessThan(2_000 + 1_500);
  });
});
