import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorized, listenDashboard } from "./helpers.js";

interface ApiJob {
  id: string;
  data: Record<string, unknown>;
  name: string;
}
interface ApiQueues {
  queues: { name: string; jobs: ApiJob[]; readOnlyMode: boolean }[];
}

const smsData = {
  v: 1,
  to: "+31612345678",
  content: "Uw code is 1234",
  sender: "MyShop",
  createdAt: new Date().toISOString(),
};

describe("phone numbers in job data", () => {
  let redis: TestRedis;
  let prefix: string;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  let sms: Queue;
  let deadLetters: Queue;

  beforeAll(async () => {
    redis = await startTestRedis();
    prefix = redis.uniquePrefix("mask");
    sms = new Queue("sms", { connection: { url: redis.url }, prefix });
    deadLetters = new Queue("sms-dead-letter", { connection: { url: redis.url }, prefix });
    await sms.add("sms", smsData, { jobId: "sms-1" });
    await deadLetters.add(
      "dead-letter",
      {
        v: 1,
        jobId: "sms-2",
        message: { ...smsData, to: "+31687654321" },
        reason: "rejected",
        error: {
          message: "recipient +31687654321 is blocked",
          status: 400,
          body: '{"error":"invalid mobile_number +31687654321"}',
        },
        attemptsMade: 1,
        documentIds: [],
        failedAt: new Date().toISOString(),
      },
      { jobId: "dl-1" },
    );
    dashboard = await listenDashboard({ connection: redis.url, prefix });
  });
  afterAll(async () => {
    await dashboard?.close();
    await sms?.close();
    await deadLetters?.close();
    await redis?.close();
  });

  async function jobsOf(queue: string): Promise<ApiJob[]> {
    const response = await fetch(
      `${dashboard.url}/api/queues?activeQueue=${queue}&status=latest&page=1&jobsPerPage=50`,
      { headers: authorized },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as ApiQueues;
    return body.queues.find((entry) => entry.name === queue)?.jobs ?? [];
  }

  it("masks `to` of sms jobs in the queue listing", async () => {
    const jobs = await jobsOf("sms");
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toMatchObject({ to: "+316****5678", content: smsData.content });
  });

  it("masks `message.to` and numbers inside error texts of dead letters", async () => {
    const [job] = await jobsOf("sms-dead-letter");
    const text = JSON.stringify(job);
    expect(text).not.toContain("87654321");
    expect(job?.data).toMatchObject({
      message: { to: "+316****4321" },
      error: { message: "recipient +316****4321 is blocked" },
    });
  });

  it("masks the job detail endpoint too", async () => {
    const response = await fetch(`${dashboard.url}/api/queues/sms/sms-1`, { headers: authorized });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { job: ApiJob };
    expect(body.job.data.to).toBe("+316****5678");
    expect(JSON.stringify(body)).not.toContain("12345678");
  });

  it("leaves the stored job untouched", async () => {
    const job = await sms.getJob("sms-1");
    expect(job?.data.to).toBe("+31612345678");
  });
});
