import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorized, listenDashboard } from "./helpers.js";

describe("read-only mode", () => {
  let redis: TestRedis;
  let prefix: string;
  let sms: Queue;
  let readOnly: Awaited<ReturnType<typeof listenDashboard>>;
  let writable: Awaited<ReturnType<typeof listenDashboard>>;

  beforeAll(async () => {
    redis = await startTestRedis();
    prefix = redis.uniquePrefix("ro");
    const connection = { url: redis.url };
    sms = new Queue("sms", { connection, prefix });
    // A real failed job, made the way the worker makes one.
    const worker = new Worker(
      "sms",
      async () => {
        throw new UnrecoverableError("rejected by the API");
      },
      { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix },
    );
    await sms.add("sms", { to: "+31612345678" }, { jobId: "failed-1" });
    await sms.add("sms", { to: "+31612345679" }, { jobId: "failed-2" });
    await waitFor(async () => (await sms.getFailedCount()) === 2, {
      description: "two failed jobs",
    });
    await worker.close();
    readOnly = await listenDashboard({ connection: redis.url, prefix, readOnly: true });
    writable = await listenDashboard({ connection: redis.url, prefix, readOnly: false });
  });
  afterAll(async () => {
    await readOnly?.close();
    await writable?.close();
    await sms?.close();
    await redis?.close();
  });

  it("tells the UI it is read-only", async () => {
    const response = await fetch(`${readOnly.url}/api/queues`, { headers: authorized });
    const body = (await response.json()) as {
      queues: { readOnlyMode: boolean; allowRetries: boolean }[];
    };
    expect(body.queues).toHaveLength(2);
    for (const queue of body.queues) {
      expect(queue).toMatchObject({ readOnlyMode: true, allowRetries: false });
    }
  });

  it.each([
    ["PUT", "/api/queues/sms/failed-1/retry"],
    ["PUT", "/api/queues/sms/retry/failed"],
    ["PUT", "/api/queues/sms/failed-1/clean"],
    ["PUT", "/api/queues/sms/clean/failed"],
    ["PUT", "/api/queues/sms/empty"],
    ["PUT", "/api/queues/sms/pause"],
    ["PUT", "/api/queues/pause"],
    ["PUT", "/api/queues/sms/obliterate"],
    ["PATCH", "/api/queues/sms/failed-1/update-data"],
    ["POST", "/api/queues/sms/add"],
    ["DELETE", "/api/queues/sms/failed-1"],
  ])("answers 403 to %s %s and leaves the jobs as they were", async (method, path) => {
    const response = await fetch(`${readOnly.url}${path}`, {
      method,
      headers: { ...authorized, "content-type": "application/json" },
      body: JSON.stringify({ name: "x", data: {} }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "DASHBOARD_READ_ONLY" });
    expect(await sms.getJobState("failed-1")).toBe("failed");
    expect(await sms.getJobState("failed-2")).toBe("failed");
    expect(await sms.isPaused()).toBe(false);
    expect((await sms.getJob("failed-1"))?.data).toEqual({ to: "+31612345678" });
  });

  it("still needs credentials before it says read-only", async () => {
    const response = await fetch(`${readOnly.url}/api/queues/sms/failed-1/retry`, {
      method: "PUT",
    });
    expect(response.status).toBe(401);
    await response.body?.cancel();
  });

  it("lets a writable dashboard retry the same job (the endpoint is real)", async () => {
    const response = await fetch(`${writable.url}/api/queues/sms/failed-2/retry`, {
      method: "PUT",
      headers: authorized,
    });
    expect(response.status).toBe(204);
    expect(await sms.getJobState("failed-2")).toBe("waiting");
  });
});
