import type { ReceivedSend } from "@sms-relay/kpn-sandbox";
import type { SmsJobResult } from "@sms-relay/producer";
import { waitFor } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

/** The requests the sandbox accepted. */
function acceptedMessages(received: readonly ReceivedSend[]): readonly ReceivedSend[] {
  return received.filter((send) => send.answeredStatus === 200);
}

async function allFinished(stack: Awaited<ReturnType<typeof stacks.start>>, total: number) {
  await waitFor(
    async () => {
      const counts = await stack.sms.getJobCounts("completed", "failed");
      return (counts.completed ?? 0) + (counts.failed ?? 0) === total;
    },
    { timeoutMs: 60_000, description: `all ${total} SMS finished` },
  );
}

describe("batched sends (SMS_BATCH_SIZE)", () => {
  it("sends many SMS per request, each once, never two to one number in a request, each with its request's document id", async () => {
    const stack = await stacks.start({
      label: "batch",
      env: { SMS_BATCH_SIZE: "50", SMS_BATCH_WAIT_MS: "50", WORKER_CONCURRENCY: "100" },
    });
    // 380 numbers, 20 of which get a second SMS.
    const inputs = Array.from({ length: 400 }, (_, i) => ({
      to: `+3164${String(i % 380).padStart(7, "0")}`,
      content: `code ${10_000 + i}`,
    }));
    const { accepted } = await stack.producer.sendMany(inputs);
    await allFinished(stack, inputs.length);

    const requests = acceptedMessages(stack.api.sandbox.received());
    // Far fewer requests than SMS.
    expect(requests.length).toBeLessThanOrEqual(40);
    const seen = new Map<string, string>();
    for (const request of requests) {
      const numbers = request.messages.map((m) => m.mobileNumber);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers.length).toBeLessThanOrEqual(50);
      for (const message of request.messages) {
        const key = `${message.mobileNumber} ${message.content}`;
        expect(seen.has(key)).toBe(false);
        seen.set(key, request.documentId);
      }
    }
    expect(seen.size).toBe(inputs.length);
    for (const [i, receipt] of accepted.entries()) {
      const job = await stack.sms.getJob(receipt.id);
      const result = job?.returnvalue as SmsJobResult;
      expect(result.documentIds).toEqual([seen.get(`${receipt.to} ${inputs[i]!.content}`)]);
    }
  });

  it("narrows a refused request down so that only the refused SMS are dead-lettered, on their first attempt", async () => {
    const stack = await stacks.start({
      label: "batch-bisect",
      // The worker believes the account takes 1000 characters; the sandbox refuses over 160.
      env: {
        SMS_BATCH_SIZE: "20",
        SMS_BATCH_WAIT_MS: "50",
        WORKER_CONCURRENCY: "60",
        KPN_MAX_CONTENT_LENGTH: "1000",
      },
    });
    const inputs = Array.from({ length: 100 }, (_, i) => ({
      to: `+3165${String(i).padStart(7, "0")}`,
      content: i % 20 === 7 ? `te lang ${i} `.repeat(20) : `kort ${i}`,
    }));
    const { accepted } = await stack.producer.sendMany(inputs);
    await allFinished(stack, inputs.length);

    const refused = accepted.filter((_, i) => i % 20 === 7);
    const dead = await stack.deadLetters.getJobs(["waiting", "completed", "failed", "delayed"]);
    expect(dead.map((job) => job.id).sort()).toEqual(refused.map((r) => r.id).sort());
    for (const job of dead) {
      expect(job.data.reason).toBe("rejected");
      expect(job.data.attemptsMade).toBe(1);
    }
    const messages = acceptedMessages(stack.api.sandbox.received()).flatMap((r) => r.messages);
    expect(messages).toHaveLength(95);
    expect(new Set(messages.map((m) => m.mobileNumber)).size).toBe(95);
  });

  it("puts every SMS of a request answered 429 back without counting an attempt", async () => {
    const stack = await stacks.start({
      label: "batch-429",
      faults: { rate429: 0.3, retryAfterSeconds: 1, seed: 3 },
      env: { SMS_BATCH_SIZE: "25", SMS_BATCH_WAIT_MS: "20", WORKER_CONCURRENCY: "50" },
    });
    const inputs = Array.from({ length: 100 }, (_, i) => ({
      to: `+3166${String(i).padStart(7, "0")}`,
      content: `bericht ${i}`,
    }));
    const { accepted } = await stack.producer.sendMany(inputs);
    await allFinished(stack, inputs.length);
    const statuses = stack.api.sandbox.requests().map((r) => r.status);
    expect(statuses).toContain(429);
    const messages = acceptedMessages(stack.api.sandbox.received()).flatMap((r) => r.messages);
    expect(messages).toHaveLength(100);
    for (const receipt of accepted) {
      const job = await stack.sms.getJob(receipt.id);
      expect(await job?.getState()).toBe("completed");
      expect(job?.attemptsMade).toBe(1);
    }
  }, 60_000);

  it("fills each request while it waits for its rate-limit slot, so a quota of requests carries full batches", async () => {
    const stack = await stacks.start({
      label: "batch-quota",
      env: {
        SMS_BATCH_SIZE: "50",
        SMS_BATCH_WAIT_MS: "5",
        WORKER_CONCURRENCY: "200",
        SMS_RATE_LIMIT_PER_SECOND: "2",
      },
    });
    // SMS trickle in, 10 every 50 ms: faster than 2 requests/s of one SMS each could carry,
    // slower than a batch fills within its 5 ms wait.
    const inputs = Array.from({ length: 200 }, (_, i) => ({
      to: `+3168${String(i).padStart(7, "0")}`,
      content: `quota ${i}`,
    }));
    for (let i = 0; i < inputs.length; i += 10) {
      const { accepted } = await stack.producer.sendMany(inputs.slice(i, i + 10));
      expect(accepted).toHaveLength(10);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await allFinished(stack, inputs.length);
    const requests = acceptedMessages(stack.api.sandbox.received());
    const sizes = requests.map((request) => request.messages.length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(200);
    // Each request takes what became ready while it waited for its slot (about half a second,
    // 100 SMS, capped at 50), not the one or two SMS of its own 5 ms wait.
    expect(requests.length).toBeLessThanOrEqual(8);
  }, 60_000);
});
