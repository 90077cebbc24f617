import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorized, listenDashboard } from "./helpers.js";

describe("writes from another site's page", () => {
  let redis: TestRedis;
  let sms: Queue;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("csrf");
    sms = new Queue("sms", { connection: { url: redis.url }, prefix });
    const worker = new Worker(
      "sms",
      async () => {
        throw new UnrecoverableError("rejected");
      },
      { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix },
    );
    await sms.add("sms", { to: "+31612345678" }, { jobId: "failed-1" });
    await waitFor(async () => (await sms.getFailedCount()) === 1, { description: "a failed job" });
    await worker.close();
    await sms.add("sms", { to: "+31612345679" }, { jobId: "delayed-1", delay: 60_000 });
    dashboard = await listenDashboard({ connection: redis.url, prefix, readOnly: false });
  });
  afterAll(async () => {
    await dashboard?.close();
    await sms?.close();
    await redis?.close();
  });

  async function unchanged(): Promise<void> {
    expect(await sms.getJobState("failed-1")).toBe("failed");
    expect(await sms.getJobState("delayed-1")).toBe("delayed");
    expect(await sms.isPaused()).toBe(false);
    expect(await sms.count()).toBe(1);
  }

  it.each([
    ["POST", "/api/queues/sms/add", "text/plain"],
    ["PUT", "/api/queues/sms/failed-1/retry", "text/plain"],
    ["PUT", "/api/queues/sms/retry/failed", "application/json"],
    ["PUT", "/api/queues/sms/delayed-1/promote", "text/plain"],
    ["PUT", "/api/queues/sms/pause", "text/plain"],
    ["PUT", "/api/queues/sms/empty", "text/plain"],
    ["PATCH", "/api/queues/sms/delayed-1/delay", "application/json"],
    ["DELETE", "/api/queues/sms/delayed-1", "text/plain"],
    ["POST", "/dead-letters/api/redrive", "application/json"],
  ])("refuses %s %s sent as %s from another origin", async (method, path, type) => {
    const foreign: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { referer: "https://evil.example/page" },
    ];
    for (const headers of foreign) {
      const response = await fetch(`${dashboard.url}${path}`, {
        method,
        headers: { ...authorized, "content-type": type, ...headers },
        body: JSON.stringify({ name: "sms", data: { to: "+31600000000" }, all: true, delay: 0 }),
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: "DASHBOARD_CROSS_ORIGIN" });
      await unchanged();
    }
  });

  it("lets the board's own page write (same origin)", async () => {
    const response = await fetch(`${dashboard.url}/api/queues/sms/pause`, {
      method: "PUT",
      headers: { ...authorized, origin: dashboard.url },
    });
    expect(response.status).toBe(200);
    await response.body?.cancel();
    expect(await sms.isPaused()).toBe(true);
    await sms.resume();
  });

  it("lets reads from anywhere through (they change nothing)", async () => {
    const response = await fetch(`${dashboard.url}/api/queues`, {
      headers: { ...authorized, origin: "https://evil.example" },
    });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });
});
