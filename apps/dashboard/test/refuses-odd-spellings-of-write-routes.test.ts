import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authorized, listenDashboard } from "./helpers.js";

describe("the masked-data guard and the spellings Express routes", () => {
  let redis: TestRedis;
  let sms: Queue;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  const data = { v: 1, to: "+31612345678", content: "Hallo", sender: "MyShop", createdAt: "x" };

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("spelling");
    sms = new Queue("sms", { connection: { url: redis.url }, prefix });
    await sms.add("sms", data, { jobId: "job-1", delay: 60_000 });
    dashboard = await listenDashboard({ connection: redis.url, prefix, readOnly: false });
  });
  // Each spelling on its own: undo whatever an earlier one got through.
  beforeEach(async () => {
    await (await sms.getJob("job-1"))?.updateData(data);
    for (const job of await sms.getJobs(["waiting", "delayed", "prioritized"])) {
      if (job && job.id !== "job-1") await job.remove();
    }
  });
  afterAll(async () => {
    await dashboard?.close();
    await sms?.close();
    await redis?.close();
  });

  it.each([
    "/api/queues/sms/job-1/UPDATE-DATA",
    "/API/QUEUES/SMS/job-1/update-data",
    "/Api/Queues/sms/job-1/Update-Data",
    "/api/queues/sms/job-1/update-data/",
    "/api/queues/sms/job-1/UPDATE-DATA/",
    "/api/queues/%73ms/job-1/update-data",
    "/api/queues/sms/%6Aob-1/update-data",
    "/api/queues/sms/job-1/%75pdate-data",
    "//api/queues/sms/job-1/update-data",
    "/api//queues/sms/job-1/update-data",
    "/api/queues/sms//job-1/update-data",
  ])("refuses PATCH %s and leaves the job's number and text", async (path) => {
    const response = await fetch(`${dashboard.url}${path}`, {
      method: "PATCH",
      headers: { ...authorized, "content-type": "application/json" },
      body: JSON.stringify({ jobData: { ...data, to: "+316****5678", content: "changed" } }),
    });
    expect([403, 404]).toContain(response.status);
    await response.body?.cancel();
    expect((await sms.getJob("job-1"))?.data).toEqual(data);
  });

  it.each([
    "/API/QUEUES/sms/ADD",
    "/api/queues/sms/ADD",
    "/api/queues/sms/add/",
    "/API/QUEUES/sms/ADD/",
    "/api/queues/%73ms/add",
    "/api/queues/%73%6D%73/add",
    "/api/queues/sms/%61dd",
    "/api/queues/sms/%41DD",
    "//api/queues/sms/add",
    "/api//queues/sms/add",
    "/api/queues//sms/add",
    "/api/queues/sms//add",
  ])("refuses POST %s and adds no job", async (path) => {
    const response = await fetch(`${dashboard.url}${path}`, {
      method: "POST",
      headers: { ...authorized, "content-type": "application/json" },
      body: JSON.stringify({ name: "sms", data: { ...data, to: "+316****5678" }, options: {} }),
    });
    expect([403, 404]).toContain(response.status);
    await response.body?.cancel();
    expect(await sms.count()).toBe(1);
  });
});
