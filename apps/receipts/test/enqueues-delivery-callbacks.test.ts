import { CALLBACK_QUEUE, type CallbackJobData, SMS_QUEUE } from "@sms-relay/producer";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AT, kpnReport, metricValue, TO, useReceipts } from "./helpers.js";

const h = useReceipts();
const CALLBACK_URL = "https://backend.example/sms-status";
let queue: Queue<CallbackJobData>;

beforeAll(() => {
  queue = new Queue(CALLBACK_QUEUE, { connection: h.client(), prefix: h.prefix });
});
afterAll(async () => {
  await queue.close();
});

async function events(jobId: string): Promise<CallbackJobData[]> {
  const jobs = await queue.getJobs(["waiting", "delayed", "active", "completed", "failed"]);
  return jobs
    .filter((job) => job.data.event.id === jobId)
    .map((job) => job.data)
    .sort((a, b) => a.eventId.localeCompare(b.eventId));
}

describe("delivery status callbacks", () => {
  it("enqueues one event per delivery state of an SMS that asked for callbacks", async () => {
    await h.client().hset(`${h.prefix}:${SMS_QUEUE}:job-cb`, {
      progress: JSON.stringify({ documentIds: ["doc-1"], partsSent: 1 }),
    });
    const reference = await h.sentSms({ [TO]: "job-cb" }, { "cb:job-cb": CALLBACK_URL });
    expect((await h.post(reference, kpnReport({ Status: 2 }))).status).toBe(204);
    const delivered = kpnReport({ Status: 1, StatusDateTime: AT + 5 });
    expect((await h.post(reference, delivered)).status).toBe(204);
    // KPN's retry of the same report, and a late pending: no new event.
    expect((await h.post(reference, delivered)).status).toBe(204);
    expect((await h.post(reference, kpnReport({ Status: 3, StatusDateTime: AT + 9 }))).status).toBe(
      204,
    );

    const found = await events("job-cb");
    expect(found.map((e) => e.eventId)).toEqual([
      "job-cb-delivery-delivered",
      "job-cb-delivery-pending",
    ]);
    expect(found[0]).toEqual({
      v: 1,
      url: CALLBACK_URL,
      eventId: "job-cb-delivery-delivered",
      event: {
        id: "job-cb",
        event: "delivery",
        state: "sent",
        delivery: {
          state: "delivered",
          code: "000",
          reportedAt: new Date((AT + 5) * 1000).toISOString(),
        },
        documentIds: ["doc-1"],
        to: TO,
        at: new Date((AT + 5) * 1000).toISOString(),
      },
    });
    const job = await queue.getJob("job-cb-delivery-delivered");
    expect(job?.opts.attempts).toBe(40);
  });

  it("enqueues nothing for an SMS without a callback URL", async () => {
    const reference = await h.sentSms({ [TO]: "job-quiet" });
    expect((await h.post(reference, kpnReport({ Status: 1 }))).status).toBe(204);
    expect(await events("job-quiet")).toEqual([]);
  });

  it("says dead for an SMS whose job ended dead-lettered after a part was accepted", async () => {
    await h.client().hset(`${h.prefix}:${SMS_QUEUE}:job-dead`, {
      progress: JSON.stringify({ documentIds: ["doc-9"], partsSent: 1 }),
      finishedOn: String(Date.now()),
      failedReason: "refused",
    });
    const reference = await h.sentSms({ [TO]: "job-dead" }, { "cb:job-dead": CALLBACK_URL });
    expect((await h.post(reference, kpnReport({ Status: 4, ErrorCode: "012" }))).status).toBe(204);
    const [event] = await events("job-dead");
    expect(event?.event).toMatchObject({
      event: "delivery",
      state: "dead",
      documentIds: ["doc-9"],
      delivery: { state: "failed", code: "012" },
    });
  });

  it("answers 503 when the event cannot be enqueued, and enqueues it when KPN retries the body", async () => {
    const reference = await h.sentSms({ [TO]: "job-retry" }, { "cb:job-retry": CALLBACK_URL });
    // The callback queue's meta key of the wrong type makes every add fail inside Redis.
    const meta = `${h.prefix}:${CALLBACK_QUEUE}:meta`;
    const saved = await h.client().hgetall(meta);
    await h.client().del(meta);
    await h.client().set(meta, "not a hash");
    const report = kpnReport({ Status: 1 });
    try {
      expect((await h.post(reference, report)).status).toBe(503);
    } finally {
      await h.client().del(meta);
      if (Object.keys(saved).length > 0) await h.client().hset(meta, saved);
    }
    // The report itself was stored; the retry is a duplicate, but its event is enqueued now.
    expect(await events("job-retry")).toEqual([]);
    expect((await h.post(reference, report)).status).toBe(204);
    expect((await events("job-retry")).map((e) => e.eventId)).toEqual([
      "job-retry-delivery-delivered",
    ]);
    expect(await metricValue(h.url(), "sms_dlr_callbacks_enqueued_total")).toBeGreaterThanOrEqual(
      3,
    );
  });
});
