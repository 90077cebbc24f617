import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openQueues, type Queues } from "./dead-letter-fixtures.js";
import { authorized, listenDashboard } from "./helpers.js";

const sentResult = {
  documentIds: ["doc-1"],
  parts: 1,
  segments: 1,
  encoding: "GSM-7",
  sentAt: "2025-01-01T10:00:01.000Z",
};

function message(to: string) {
  return {
    v: 1,
    to,
    content: "Uw code is 1234",
    sender: "MyShop",
    createdAt: "2025-01-01T10:00:00.000Z",
  };
}

describe("bull-board's retry and promote on dead and sent SMS", () => {
  let redis: TestRedis;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  const dead = ["dead-1", "dead-2", "dead-3"];

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("retry");
    queues = openQueues(redis, prefix);
    // Failed and completed jobs as the worker leaves them; dead ones also get their record.
    const worker = new Worker(
      "sms",
      async (job) => {
        if (String(job.id).startsWith("sent")) return sentResult;
        throw new UnrecoverableError("rejected by the API");
      },
      { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix },
    );
    for (const id of [...dead, "plain-1"])
      await queues.sms.add("sms", message("+31612345678"), { jobId: id });
    await queues.sms.add("sms", message("+31612345679"), { jobId: "sent-1" });
    await waitFor(
      async () =>
        (await queues.sms.getFailedCount()) === 4 && (await queues.sms.getCompletedCount()) === 1,
      { description: "four failed jobs and one completed" },
    );
    await worker.close();
    for (const id of dead) await queues.add(id, "+31612345678");
    // A record alone, and a redrive caught halfway: held back until its sent parts are written.
    await queues.add("record-only", "+31612345678");
    await queues.sms.add("sms", message("+31612345678"), { jobId: "held-1", delay: 60_000 });
    await queues.add("held-1", "+31612345678");
    await queues.sms.add("sms", message("+31612345678"), { jobId: "later-1", delay: 60_000 });
    dashboard = await listenDashboard({ connection: redis.url, prefix, readOnly: false });
  });
  afterAll(async () => {
    await dashboard?.close();
    await queues?.close();
    await redis?.close();
  });

  function put(path: string): Promise<Response> {
    return fetch(`${dashboard.url}${path}`, { method: "PUT", headers: authorized });
  }

  it("turns Retry of a dead SMS into a redrive: the record goes, the SMS waits with fresh attempts", async () => {
    const response = await put("/api/queues/sms/dead-1/retry");
    expect(response.status).toBe(204);
    expect(await queues.deadLetters.getJobState("dead-1")).toBe("unknown");
    expect(await queues.sms.getJobState("dead-1")).toBe("waiting");
    expect((await queues.sms.getJob("dead-1"))?.attemptsMade).toBe(0);
  });

  it("turns Retry all failed into redrives of the dead SMS and plain retries of the rest", async () => {
    const response = await put("/api/queues/sms/retry/failed");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ retried: 3, skipped: 0 });
    for (const id of ["dead-2", "dead-3"]) {
      expect(await queues.deadLetters.getJobState(id)).toBe("unknown");
      expect(await queues.sms.getJobState(id)).toBe("waiting");
    }
    expect(await queues.sms.getJobState("plain-1")).toBe("waiting");
    expect(await queues.deadLetters.getJobState("record-only")).toBe("waiting");
  });

  it.each([
    "/api/queues/sms/sent-1/retry",
    "/api/queues/sms/retry/completed",
    "/API/QUEUES/sms/sent-1/RETRY",
    "/api/queues/sms/sent-1/retry/",
    "/api/queues/%73ms/sent-1/retry",
    "/api/queues/sms/RETRY/completed/",
  ])("refuses %s: a sent SMS is never sent again", async (path) => {
    const response = await put(path);
    expect([404, 409]).toContain(response.status);
    if (response.status === 409) {
      expect(await response.json()).toMatchObject({ code: "DASHBOARD_RETRY_SENT" });
    } else {
      await response.body?.cancel();
    }
    expect(await queues.sms.getJobState("sent-1")).toBe("completed");
    expect((await queues.sms.getJob("sent-1"))?.returnvalue).toEqual(sentResult);
  });

  it.each([
    "/api/queues/sms-dead-letter/record-only/retry",
    "/api/queues/sms-dead-letter/retry/failed",
    "/api/queues/sms-dead-letter/retry/completed",
    "/api/queues/sms-dead-letter/record-only/promote",
    "/api/queues/sms-dead-letter/promote",
    "/API/QUEUES/SMS-DEAD-LETTER/record-only/RETRY",
  ])("refuses %s: a dead letter is redriven, not retried", async (path) => {
    const response = await put(path);
    expect([404, 409]).toContain(response.status);
    if (response.status === 409) {
      expect(await response.json()).toMatchObject({ code: "DASHBOARD_RETRY_DEAD_LETTER" });
    } else {
      await response.body?.cancel();
    }
    expect(await queues.deadLetters.getJobState("record-only")).toBe("waiting");
  });

  it("refuses to promote an SMS whose redrive still holds it back", async () => {
    const response = await put("/api/queues/sms/held-1/promote");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: "DASHBOARD_REDRIVE_IN_PROGRESS" });
    expect(await queues.sms.getJobState("held-1")).toBe("delayed");
  });

  it("promotes all other delayed SMS, leaving the held one", async () => {
    const response = await put("/api/queues/sms/promote");
    expect(response.status).toBe(200);
    await response.body?.cancel();
    expect(await queues.sms.getJobState("later-1")).toBe("waiting");
    expect(await queues.sms.getJobState("held-1")).toBe("delayed");
  });
});
