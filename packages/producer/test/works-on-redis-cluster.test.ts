import { startRedisCluster, type TestRedisCluster, waitFor } from "@sms-relay/testing";
import { Queue, Worker } from "bullmq";
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEAD_LETTER_JOB_NAME,
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  deadLetterJobOptions,
  deliveryKeys,
  newDeliveryReference,
  recordDeliveryReports,
  SMS_QUEUE,
  type SmsJobData,
  type SmsJobResult,
  SmsProducer,
} from "../src/index.js";

/** The prefix users put on a cluster; one cluster per file, so this file has it to itself. */
const PREFIX = "{sms}";

let cluster: TestRedisCluster;
let client: Cluster;
let sms: SmsProducer;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = cluster.connect();
  sms = new SmsProducer({ connection: client, prefix: PREFIX, defaultSender: "MyShop" });
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await sms?.close();
  await client?.quit().catch(() => {});
  await cluster?.close();
});

function queue<T = unknown>(name: string): Queue<T> {
  const handle = new Queue<T>(name, { connection: client, prefix: PREFIX });
  closers.push(() => handle.close());
  return handle;
}

/** Every key the producer wrote sits in the slot of the hash tag, so no command is CROSSSLOT. */
async function expectOneSlot(): Promise<void> {
  const keys = await cluster.findKeys(`${PREFIX}:*`);
  expect(keys.length).toBeGreaterThan(0);
  const expected = Number(await client.cluster("KEYSLOT", PREFIX));
  expect(new Set(keys.map((key) => key.slot))).toEqual(new Set([expected]));
}

describe("SmsProducer on a Redis Cluster with prefix {sms}", () => {
  it("enqueues an SMS and reports it waiting", async () => {
    const receipt = await sms.send({ to: "06 12345678", content: "Hallo cluster!" });
    expect(receipt).toMatchObject({
      to: "+31612345678",
      parts: 1,
      segments: 1,
      encoding: "GSM-7",
      deduplicated: false,
    });
    const status = await sms.status(receipt.id);
    expect(status).toMatchObject({ id: receipt.id, state: "waiting", attemptsMade: 0 });
    const job = await queue<SmsJobData>(SMS_QUEUE).getJob(receipt.id);
    expect(job?.data).toMatchObject({ v: 1, to: "+31612345678", sender: "MyShop" });
    await expectOneSlot();
  });

  it("enqueues once for the same idempotency key", async () => {
    const first = await sms.send({
      to: "0612345670",
      content: "Uw pakket is onderweg",
      idempotencyKey: "cluster-order-42",
    });
    const again = await sms.send({
      to: "0612345670",
      content: "Uw pakket is onderweg",
      idempotencyKey: "cluster-order-42",
    });
    expect(first.deduplicated).toBe(false);
    expect(again).toEqual({ ...first, deduplicated: true });
  });

  it("enqueues every valid item of sendMany and reports the invalid ones", async () => {
    const result = await sms.sendMany([
      { to: "0612345601", content: "een" },
      { to: "not a number", content: "twee" },
      { to: "0612345603", content: "drie", idempotencyKey: "cluster-many-3" },
      { to: "0612345603", content: "drie", idempotencyKey: "cluster-many-3" },
    ]);
    expect(result.rejected.map((item) => item.index)).toEqual([1]);
    expect(result.accepted.map((item) => item.deduplicated)).toEqual([false, false, true]);
    const smsQueue = queue(SMS_QUEUE);
    for (const { id } of result.accepted) expect(await smsQueue.getJob(id)).toBeTruthy();
    await expectOneSlot();
  });

  it("reports an SMS a worker sent as sent, with its document ids", async () => {
    const receipt = await sms.send({ to: "0612345611", content: "verzonden" });
    const connection = cluster.connect({ redisOptions: { maxRetriesPerRequest: null } });
    const worker = new Worker<SmsJobData, SmsJobResult>(
      SMS_QUEUE,
      async (job) => ({
        documentIds: [`doc-${job.id}`],
        parts: 1,
        segments: 1,
        encoding: "GSM-7",
        sentAt: new Date().toISOString(),
      }),
      { connection, prefix: PREFIX },
    );
    closers.push(async () => {
      await worker.close();
      await connection.quit();
    });
    const status = await waitFor(
      async () => {
        const current = await sms.status(receipt.id);
        return current.state === "sent" ? current : undefined;
      },
      { description: "the SMS sent" },
    );
    expect(status.documentIds).toEqual([`doc-${receipt.id}`]);
    expect(status.sentAt).toBeTruthy();
    await worker.close();
  });

  it("lists, redrives and purges dead letters", async () => {
    const records = queue<DeadLetterJobData>(DEAD_LETTER_QUEUE);
    const message = (to: string): SmsJobData => ({
      v: 1,
      to,
      content: "dood",
      sender: "MyShop",
      createdAt: new Date().toISOString(),
    });
    const record = (jobId: string, to: string, documentIds: string[]): DeadLetterJobData => ({
      v: 1,
      jobId,
      message: message(to),
      reason: "exhausted",
      error: { message: "KPN answered 503", status: 503 },
      attemptsMade: 10,
      documentIds,
      failedAt: new Date().toISOString(),
    });
    // One with a part already sent, whose redrive writes the progress before the job can run.
    const seeded = [
      record("dead-a", "+31612345621", []),
      record("dead-b", "+31612345622", ["doc-b-1"]),
      record("dead-c", "+31612345623", []),
    ];
    for (const data of seeded) {
      await records.add(DEAD_LETTER_JOB_NAME, data, deadLetterJobOptions(data.jobId));
    }

    expect((await sms.deadLetters.list()).map((entry) => entry.id)).toEqual([
      "dead-c",
      "dead-b",
      "dead-a",
    ]);
    expect(await sms.deadLetters.count()).toBe(3);
    expect(await sms.status("dead-a")).toMatchObject({ state: "dead" });

    const redriven = await sms.deadLetters.redrive(["dead-a", "dead-b", "nope"]);
    expect(redriven).toEqual({ redriven: ["dead-a", "dead-b"], inProgress: [], missing: ["nope"] });
    const queued = queue<SmsJobData>(SMS_QUEUE);
    expect((await queued.getJob("dead-a"))?.data.to).toBe("+31612345621");
    const withPart = await queued.getJob("dead-b");
    expect(withPart?.progress).toEqual({ documentIds: ["doc-b-1"], partsSent: 1 });
    expect(await withPart?.getState()).toBe("waiting");
    expect(await sms.status("dead-a")).toMatchObject({ state: "waiting" });

    expect(await sms.deadLetters.purge("all")).toEqual({ purged: ["dead-c"], missing: [] });
    expect(await sms.deadLetters.count()).toBe(0);
    await expectOneSlot();
  });

  it("reads the delivery states of a page of SMS in one pipeline", async () => {
    const reference = newDeliveryReference();
    const key = deliveryKeys(PREFIX).reference(reference);
    await client.hset(key, { "+31612345631": "sent-a", "+31612345632": "sent-b" });
    await client.expire(key, 3600);
    await recordDeliveryReports(client, PREFIX, reference, [
      { recipient: "+31612345631", status: 1 },
      { recipient: "+31612345632", status: 4, errorCode: "104" },
    ]);
    const deliveries = await sms.deadLetters.deliveries(["sent-b", "never-reported", "sent-a"]);
    expect(deliveries.map((delivery) => delivery.state)).toEqual([
      "failed",
      "unknown",
      "delivered",
    ]);
    expect(deliveries[0]?.code).toBe("104");
    await expectOneSlot();
  });
});
