import { SMS_JOB_NAME } from "@sms-relay/producer";
import { waitFor } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import { MAX_INVALID_FIELD_LENGTH } from "../src/dead-letter.js";
import { type Stack, useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

async function deadLetter(current: Stack, id: string) {
  const job = await waitFor(() => current.deadLetters.getJob(id), {
    timeoutMs: 20_000,
    description: `dead-letter record ${id}`,
  });
  return job.data;
}

const LONG = `${"Uw afspraak is morgen om 10:00 bij de tandarts in het centrum. ".repeat(4)}Groet.`;

describe("dead-lettering", () => {
  it("dead-letters an SMS the API refuses, after one attempt", async () => {
    // The worker believes the account takes 1000 characters; the sandbox takes 160 and says 400.
    const stack = await stacks.start({
      label: "rejected",
      env: { KPN_MAX_CONTENT_LENGTH: "1000" },
    });
    const { id } = await stack.producer.send({ to: "0612345678", content: LONG });

    const record = await deadLetter(stack, id);
    expect(record).toMatchObject({
      v: 1,
      jobId: id,
      reason: "rejected",
      attemptsMade: 1,
      documentIds: [],
      message: { to: "+31612345678", content: LONG, sender: "RelayTest" },
      error: { status: 400, message: expect.any(String), code: expect.any(String) },
    });
    expect(record.error.body).toBeTruthy();
    expect(stack.api.sandbox.stats().sendRequests).toBe(1);
    const status = await waitFor(async () => {
      const s = await stack.producer.status(id);
      return s?.state === "dead" ? s : undefined;
    });
    expect(status.attemptsMade).toBe(1);
  });

  it("dead-letters as exhausted when 503s outlast SMS_MAX_ATTEMPTS", async () => {
    const stack = await stacks.start({
      label: "exhausted",
      faults: { rate503: 1 },
      env: { SMS_MAX_ATTEMPTS: "3", SMS_BACKOFF_MS: "10", SMS_BACKOFF_MAX_MS: "50" },
    });
    const { id } = await stack.producer.send({ to: "0612345679", content: "Hallo" });

    const record = await deadLetter(stack, id);
    expect(record).toMatchObject({ reason: "exhausted", attemptsMade: 3, error: { status: 503 } });
    expect(stack.api.sandbox.stats().byStatus["503"]).toBe(3);
    const job = await stack.sms.getJob(id);
    expect(await job?.getState()).toBe("failed");
  });

  it("dead-letters invalid job data as invalid and keeps sending the rest", async () => {
    const stack = await stacks.start({ label: "invalid" });
    const now = new Date().toISOString();
    const bad = {
      "wrong-types": { v: 1, to: 31612345678, content: ["x"], sender: "RelayTest", createdAt: now },
      "missing-fields": { v: 1, to: "+31612345678" },
      "foreign-number": {
        v: 1,
        to: "+4915112345678",
        content: "Hi",
        sender: "RelayTest",
        createdAt: now,
      },
      "version-2": { v: 2, to: "+31612345678", content: "Hi", sender: "RelayTest", createdAt: now },
    };
    for (const [jobId, data] of Object.entries(bad)) {
      await stack.sms.add(SMS_JOB_NAME, data, { jobId, attempts: 100, backoff: { type: "sms" } });
    }
    const good = await stack.producer.send({ to: "0612345670", content: "Nog steeds hier" });

    for (const [jobId, data] of Object.entries(bad)) {
      const record = await deadLetter(stack, jobId);
      expect(record).toMatchObject({ reason: "invalid", attemptsMade: 1, message: data });
      expect(record.error.message).toMatch(/^invalid job data: /);
    }
    const missing = await deadLetter(stack, "missing-fields");
    expect(missing.error.message).toContain("content");
    expect((await deadLetter(stack, "version-2")).error.message).toContain("v:");

    await waitFor(async () => (await stack.producer.status(good.id))?.state === "sent", {
      description: "the valid SMS sent",
    });
    expect(stack.api.sandbox.received()).toHaveLength(1);
  });

  it("keeps at most a thousand characters of a huge invalid job, and its length", async () => {
    const stack = await stacks.start({ label: "invalid-huge" });
    const content = "x".repeat(10 * 1024 * 1024);
    const data = {
      v: 1,
      to: "+31612345678",
      content,
      sender: "RelayTest",
      createdAt: new Date().toISOString(),
    };
    await stack.sms.add(SMS_JOB_NAME, data, { jobId: "huge", attempts: 3 });

    const record = await deadLetter(stack, "huge");
    expect(record.reason).toBe("invalid");
    const message = record.message as Record<string, unknown>;
    expect(String(message.content)).toHaveLength(MAX_INVALID_FIELD_LENGTH);
    expect(message.truncated).toEqual({ content: content.length });
    expect(message.to).toBe("+31612345678");
    expect(JSON.stringify(record).length).toBeLessThan(5000);
    expect(stack.logs.text().length).toBeLessThan(100_000);
  });
});
