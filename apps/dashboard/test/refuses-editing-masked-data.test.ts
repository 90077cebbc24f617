import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorized, listenDashboard } from "./helpers.js";

describe("a writable dashboard and masked job data", () => {
  let redis: TestRedis;
  let sms: Queue;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  const data = { v: 1, to: "+31612345678", content: "Hallo", sender: "MyShop", createdAt: "x" };

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("edit");
    sms = new Queue("sms", { connection: { url: redis.url }, prefix });
    await sms.add("sms", data, { jobId: "job-1", delay: 60_000 });
    dashboard = await listenDashboard({ connection: redis.url, prefix, readOnly: false });
  });
  afterAll(async () => {
    await dashboard?.close();
    await sms?.close();
    await redis?.close();
  });

  it("refuses to save edited job data, which the browser only has masked", async () => {
    const response = await fetch(`${dashboard.url}/api/queues/sms/job-1/update-data`, {
      method: "PATCH",
      headers: { ...authorized, "content-type": "application/json" },
      body: JSON.stringify({ jobData: { ...data, to: "+316****5678" } }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "DASHBOARD_MASKED_DATA" });
    expect((await sms.getJob("job-1"))?.data.to).toBe("+31612345678");
  });

  it("refuses to add jobs, which would skip the producer's validation", async () => {
    const response = await fetch(`${dashboard.url}/api/queues/sms/add`, {
      method: "POST",
      headers: { ...authorized, "content-type": "application/json" },
      body: JSON.stringify({ name: "sms", data: { to: "+316****5678" }, options: {} }),
    });
    expect(response.status).toBe(403);
    expect(await sms.count()).toBe(1);
  });

  it("still allows the other writes, such as promoting a delayed job", async () => {
    const response = await fetch(`${dashboard.url}/api/queues/sms/job-1/promote`, {
      method: "PUT",
      headers: authorized,
    });
    expect(response.status).toBe(204);
    expect(await sms.getJobState("job-1")).toBe("waiting");
  });
});
