import { waitFor } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import {
  DEAD_LETTER_JOB_NAME,
  type DeadLetterJobData,
  deadLetterJobOptions,
  type SmsJobData,
} from "../src/index.js";
import { useRedis } from "./redis-fixture.js";
import { startSimulatedWorker } from "./simulated-worker.js";

const fixture = useRedis();

const input = { to: "0612345678", content: "Hallo!", sender: "MyShop" };

function record(jobId: string, message: SmsJobData): DeadLetterJobData {
  return {
    v: 1,
    jobId,
    message,
    reason: "exhausted",
    error: { message: "KPN answered 503", status: 503 },
    attemptsMade: 10,
    documentIds: [],
    failedAt: new Date().toISOString(),
  };
}

/** A dead-letter record for a job that exists, as a worker that gave up on it writes it. */
async function addRecord(prefix: string, id: string): Promise<void> {
  const { sms, deadLetters } = fixture.queues(prefix);
  const job = await sms.getJob(id);
  await deadLetters.add(
    DEAD_LETTER_JOB_NAME,
    record(id, job?.data as SmsJobData),
    deadLetterJobOptions(id),
  );
}

describe("redrive of an SMS whose job is active", () => {
  it("keeps the record and reports the id as in progress, then redrives it once it is done", async () => {
    const { sms, prefix } = fixture.producer();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = startSimulatedWorker(fixture.server().url, prefix, () => ({
      kind: "hold",
      release: held,
    }));
    fixture.onCleanup(() => worker.close());
    const { id } = await sms.send(input);
    await waitFor(async () => (await sms.status(id)).state === "active", { timeoutMs: 15_000 });
    await addRecord(prefix, id);

    expect(await sms.deadLetters.redrive([id])).toEqual({
      redriven: [],
      inProgress: [id],
      missing: [],
    });
    expect(await sms.deadLetters.redrive("all")).toEqual({
      redriven: [],
      inProgress: [id],
      missing: [],
    });
    // The record is the only trace if the active attempt fails again: it must still be there.
    expect((await sms.deadLetters.get(id))?.data.reason).toBe("exhausted");
    expect(await sms.deadLetters.count()).toBe(1);

    release();
    await waitFor(async () => (await sms.status(id)).state === "sent", { timeoutMs: 15_000 });
    await worker.close();
    expect(await sms.deadLetters.redrive([id])).toEqual({
      redriven: [id],
      inProgress: [],
      missing: [],
    });
    expect(await sms.deadLetters.count()).toBe(0);
    expect((await sms.status(id)).state).toBe("waiting");
  });
});

describe("redrive of an SMS that is waiting", () => {
  it("replaces a waiting job by the redriven one and removes the record", async () => {
    const { sms, prefix } = fixture.producer();
    const { id } = await sms.send(input);
    await addRecord(prefix, id);

    expect(await sms.deadLetters.redrive([id])).toEqual({
      redriven: [id],
      inProgress: [],
      missing: [],
    });
    expect(await sms.deadLetters.count()).toBe(0);
    expect((await sms.status(id)).state).toBe("waiting");
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(1);
  });
});

describe("concurrent redrives of the same ids", () => {
  it("never lose a record without the SMS being back on the queue, and add each SMS once", async () => {
    const { sms, prefix } = fixture.producer();
    const other = fixture.producer({ prefix }).sms;
    const ids: string[] = [];
    for (let index = 0; index < 20; index += 1) {
      const { id } = await sms.send({ ...input, idempotencyKey: `race-${index}` });
      await addRecord(prefix, id);
      ids.push(id);
    }
    const results = await Promise.all([
      sms.deadLetters.redrive(ids),
      other.deadLetters.redrive([...ids].reverse()),
      sms.deadLetters.redrive("all"),
    ]);
    for (const id of ids) {
      const recordKept = (await sms.deadLetters.get(id)) !== undefined;
      const state = (await sms.status(id)).state;
      expect({ id, recordKept, state }).toEqual({ id, recordKept, state: "waiting" });
      const redrivenBy = results.filter((result) => result.redriven.includes(id)).length;
      expect(redrivenBy > 0 || recordKept).toBe(true);
    }
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(ids.length);
  });
});
