import { waitFor } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import {
  DEAD_LETTER_JOB_NAME,
  type DeadLetterJobData,
  DeadLetterQueue,
  deadLetterJobOptions,
  type SmsJobData,
} from "../src/index.js";
import { useRedis } from "./redis-fixture.js";
import { startSimulatedWorker } from "./simulated-worker.js";

const fixture = useRedis();

const createdAt = "2025-03-04T05:06:07.890Z";

function message(index: number): SmsJobData {
  return {
    v: 1,
    to: `+3161234567${index % 10}`,
    content: `message ${index}`,
    sender: "MyShop",
    createdAt,
  };
}

function record(jobId: string, index: number, documentIds: string[] = []): DeadLetterJobData {
  return {
    v: 1,
    jobId,
    message: message(index),
    reason: "exhausted",
    error: { message: "KPN answered 503", status: 503 },
    attemptsMade: 10,
    documentIds,
    failedAt: createdAt,
  };
}

/** Dead-letter records written the way the worker writes them. */
async function seed(prefix: string, ids: string[]): Promise<void> {
  const { deadLetters } = fixture.queues(prefix);
  for (const [index, id] of ids.entries()) {
    await deadLetters.add(DEAD_LETTER_JOB_NAME, record(id, index), deadLetterJobOptions(id));
  }
}

describe("DeadLetterQueue", () => {
  it("lists records newest first, counts and gets them", async () => {
    const { sms, prefix } = fixture.producer();
    await seed(prefix, ["job-a", "job-b", "job-c"]);
    const entries = await sms.deadLetters.list();
    expect(entries.map((entry) => entry.id)).toEqual(["job-c", "job-b", "job-a"]);
    expect(entries[0]?.data).toEqual(record("job-c", 2));
    expect(entries[0]?.data).toMatchObject({ jobId: "job-c", reason: "exhausted" });
    expect(Date.parse(entries[0]?.addedAt ?? "")).not.toBeNaN();
    expect(await sms.deadLetters.count()).toBe(3);
    expect((await sms.deadLetters.list({ start: 0, end: 0 })).map((entry) => entry.id)).toEqual([
      "job-c",
    ]);
    expect((await sms.deadLetters.get("job-b"))?.data.jobId).toBe("job-b");
    expect(await sms.deadLetters.get("nope")).toBeUndefined();
  });

  it("redrives a dead SMS under its id with fresh attempts, and is safe to repeat", async () => {
    const { sms, prefix } = fixture.producer();
    const worker = startSimulatedWorker(fixture.server().url, prefix, () => ({
      kind: "dead-letter",
      message: "temporarily refused",
    }));
    const { id } = await sms.send({ to: "0612345678", content: "Hallo!", sender: "MyShop" });
    await waitFor(async () => (await sms.status(id)).state === "dead", { timeoutMs: 15_000 });
    await worker.close();

    const result = await sms.deadLetters.redrive([id, "missing-id"]);
    expect(result).toEqual({ redriven: [id], inProgress: [], missing: ["missing-id"] });
    expect(await sms.deadLetters.count()).toBe(0);
    expect(await sms.status(id)).toEqual({
      id,
      state: "waiting",
      documentIds: [],
      attemptsMade: 0,
      delivery: { state: "unknown" },
    });
    const job = await fixture.queues(prefix).sms.getJob(id);
    expect(job?.data).toMatchObject({ to: "+31612345678", content: "Hallo!", sender: "MyShop" });

    expect(await sms.deadLetters.redrive([id])).toEqual({
      redriven: [],
      inProgress: [],
      missing: [id],
    });
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(1);
  });

  it("carries the parts already sent into the redriven job's progress", async () => {
    const { sms, prefix } = fixture.producer();
    const { deadLetters } = fixture.queues(prefix);
    await deadLetters.add(
      DEAD_LETTER_JOB_NAME,
      record("multi-part", 0, ["doc-1", "doc-2"]),
      deadLetterJobOptions("multi-part"),
    );
    expect(await sms.deadLetters.redrive(["multi-part"])).toEqual({
      redriven: ["multi-part"],
      inProgress: [],
      missing: [],
    });
    const job = await fixture.queues(prefix).sms.getJob("multi-part");
    expect(await job?.getState()).toBe("waiting");
    expect(job?.progress).toEqual({ documentIds: ["doc-1", "doc-2"], partsSent: 2 });
    expect(job?.data).toEqual(message(0));
    expect(job?.opts).toMatchObject({ attempts: 100, backoff: { type: "sms" } });
  });

  it("prefers the old job's exact progress over the record's document ids", async () => {
    const { sms, prefix } = fixture.producer();
    const worker = startSimulatedWorker(fixture.server().url, prefix, () => ({
      kind: "dead-letter",
      message: "gave up",
      documentIds: ["request-1"],
      partsSent: 3,
    }));
    const { id } = await sms.send({ to: "0612345678", content: "Hallo!", sender: "MyShop" });
    await waitFor(async () => (await sms.status(id)).state === "dead", { timeoutMs: 15_000 });
    await worker.close();

    expect((await sms.deadLetters.redrive("all")).redriven).toEqual([id]);
    const job = await fixture.queues(prefix).sms.getJob(id);
    expect(job?.progress).toEqual({ documentIds: ["request-1"], partsSent: 3 });
    expect(job?.attemptsMade).toBe(0);
    expect(await job?.getState()).toBe("waiting");
  });

  it("redrives all records, across pages", async () => {
    const { sms, prefix } = fixture.producer();
    const ids = Array.from({ length: 450 }, (_, index) => `bulk-${index}`);
    await seed(prefix, ids);
    const result = await sms.deadLetters.redrive("all");
    expect(result.missing).toEqual([]);
    expect([...result.redriven].sort()).toEqual([...ids].sort());
    expect(await sms.deadLetters.count()).toBe(0);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(450);
  });

  it("purges by id and all, reporting missing ids", async () => {
    const { sms, prefix } = fixture.producer();
    await seed(prefix, ["p-1", "p-2", "p-3"]);
    expect(await sms.deadLetters.purge(["p-1", "p-9"])).toEqual({
      purged: ["p-1"],
      missing: ["p-9"],
    });
    expect(await sms.deadLetters.purge(["p-1"])).toEqual({ purged: [], missing: ["p-1"] });
    const all = await sms.deadLetters.purge("all");
    expect([...all.purged].sort()).toEqual(["p-2", "p-3"]);
    expect(await sms.deadLetters.count()).toBe(0);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
  });

  it("works standalone on its own connection", async () => {
    const prefix = fixture.server().uniquePrefix("dlq");
    await seed(prefix, ["s-1"]);
    const dlq = new DeadLetterQueue({ connection: fixture.server().url, prefix });
    fixture.onCleanup(() => dlq.close());
    expect(await dlq.count()).toBe(1);
    expect(await dlq.redrive("all")).toEqual({ redriven: ["s-1"], inProgress: [], missing: [] });
  });
});
