import { SMS_QUEUE } from "@sms-relay/producer";
import { startRedisCluster, type TestRedisCluster, waitFor } from "@sms-relay/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ClusterStack, startClusterStack } from "./support/cluster-stack.js";

let cluster: TestRedisCluster;
let current: ClusterStack | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster();
});

afterEach(async () => {
  await current?.close();
  current = undefined;
});

afterAll(async () => {
  await cluster?.close();
});

async function start(options: Omit<Parameters<typeof startClusterStack>[0], "cluster">) {
  current = await startClusterStack({ ...options, cluster });
  return current;
}

/** Every key under the prefix, on whichever node: all in the one slot of its hash tag. */
async function expectOneSlot(stack: ClusterStack, prefix: string): Promise<string[]> {
  const keys = await cluster.findKeys(`${prefix}:*`);
  const slot = Number(await stack.client.cluster("KEYSLOT", prefix));
  expect(new Set(keys.map((key) => key.slot))).toEqual(new Set([slot]));
  return keys.map((key) => key.key);
}

/** The most requests that reached the sandbox within any one second. */
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

async function completed(stack: ClusterStack, count: number): Promise<void> {
  await waitFor(async () => (await stack.sms.getJobCounts("completed")).completed === count, {
    timeoutMs: 20_000,
    description: `${count} completed jobs`,
  });
}

const LONG = `${"Uw afspraak is morgen om 10:00 bij de tandarts in het centrum. ".repeat(4)}Groet.`;

describe("the worker on a Redis Cluster (REDIS_CLUSTER=1)", () => {
  it("sends what the producer enqueued with prefix {sms} and records each document id", async () => {
    const stack = await start({ prefix: "{sms}" });
    const numbers = ["0612340001", "0612340002", "0612340003", "0612340004", "0612340005"];
    const { accepted } = await stack.producer.sendMany(
      numbers.map((to, index) => ({ to, content: `Cluster bericht ${index}` })),
    );
    expect(accepted).toHaveLength(5);
    await completed(stack, 5);

    const documentIdOf = new Map(
      stack.api.sandbox.received().map((send) => [send.messages[0]?.mobileNumber, send.documentId]),
    );
    for (const receipt of accepted) {
      const status = await stack.producer.status(receipt.id);
      expect(status.state).toBe("sent");
      expect(documentIdOf.get(receipt.to)).toBeTruthy();
      expect(status.documentIds).toEqual([documentIdOf.get(receipt.to)]);
    }
    expect(stack.api.sandbox.received()).toHaveLength(5);
    const keys = await expectOneSlot(stack, "{sms}");
    expect(keys).toContain(`{sms}:${SMS_QUEUE}:completed`);
  });

  it("moves an SMS the API refuses to sms-dead-letter", async () => {
    // The worker believes the account takes 1000 characters; the sandbox takes 160 and says 400.
    const prefix = cluster.uniquePrefix("rejected");
    const stack = await start({ prefix, env: { KPN_MAX_CONTENT_LENGTH: "1000" } });
    const { id } = await stack.producer.send({ to: "0612345678", content: LONG });

    const record = await waitFor(() => stack.deadLetters.getJob(id), {
      timeoutMs: 20_000,
      description: `dead-letter record ${id}`,
    });
    expect(record.data).toMatchObject({
      v: 1,
      jobId: id,
      reason: "rejected",
      attemptsMade: 1,
      error: { status: 400 },
      message: { to: "+31612345678", content: LONG },
    });
    const status = await waitFor(async () => {
      const s = await stack.producer.status(id);
      return s.state === "dead" ? s : undefined;
    });
    expect(status.attemptsMade).toBe(1);
    expect((await stack.producer.deadLetters.list()).map((entry) => entry.id)).toEqual([id]);
    await expectOneSlot(stack, prefix);
  });

  it("keeps to SMS_RATE_LIMIT_PER_SECOND, with its window key in the queue's slot", async () => {
    const prefix = cluster.uniquePrefix("rate");
    const stack = await start({ prefix, env: { SMS_RATE_LIMIT_PER_SECOND: "8" } });
    await stack.producer.sendMany(
      Array.from({ length: 20 }, (_, i) => ({
        to: `+3164${String(i).padStart(7, "0")}`,
        content: `tempo ${i}`,
      })),
    );
    await completed(stack, 20);

    const times = stack.api.sandbox.requests().map((request) => request.at);
    expect(times).toHaveLength(20);
    expect(busiestSecond(times)).toBeLessThanOrEqual(8);
    // 20 at 8 per second cannot take less than two seconds.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2000);
    const keys = await expectOneSlot(stack, prefix);
    expect(keys).toContain(`${prefix}:${SMS_QUEUE}:send-window`);
  }, 40_000);

  it("pauses the queue for Retry-After on a 429, then sends without burning an attempt", async () => {
    const prefix = cluster.uniquePrefix("pause");
    const stack = await start({
      prefix,
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
        return s.state === "sent" ? s : undefined;
      },
      { description: "sent after the pause" },
    );
    const sentAt = stack.api.sandbox.received()[0]?.receivedAt ?? 0;
    expect(sentAt - limitedAt).toBeGreaterThanOrEqual(950);
    expect(status.attemptsMade).toBe(1);
    expect(stack.api.sandbox.stats().byStatus["429"]).toBe(1);
    await expectOneSlot(stack, prefix);
  });
});
