import {
  DeadLetterQueue,
  type DeliveryReport,
  deliveryKeys,
  newDeliveryReference,
  recordDeliveryReports,
  SmsProducer,
} from "@sms-relay/producer";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTime, MaskedBullMQAdapter } from "../src/index.js";
import { openQueues, type Queues } from "./dead-letter-fixtures.js";
import { authorized, listenDashboard } from "./helpers.js";

interface ApiJob {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

const REPORTED_AT = Date.UTC(2025, 0, 1, 10, 0, 9);
const REPORTED_ISO = new Date(REPORTED_AT).toISOString();

describe("delivery states on the dashboard", () => {
  let redis: TestRedis;
  let client: Redis;
  let prefix: string;
  let producer: SmsProducer;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  const ids = { delivered: "", failed: "", unknown: "" };

  /** What the worker writes before a send, then what the receipts app records of KPN's report. */
  async function reportDelivery(
    jobId: string,
    to: string,
    report: Omit<DeliveryReport, "recipient">,
  ) {
    const reference = newDeliveryReference();
    const key = deliveryKeys(prefix).reference(reference);
    await client
      .multi()
      .hset(key, "sentAt", String(REPORTED_AT - 5000), to, jobId)
      .expire(key, 3600)
      .exec();
    await recordDeliveryReports(client, prefix, reference, [
      { recipient: to, statusDateTime: REPORTED_AT, ...report },
    ]);
  }

  beforeAll(async () => {
    redis = await startTestRedis();
    client = new Redis(redis.url);
    prefix = redis.uniquePrefix("delivery");
    producer = new SmsProducer({ connection: redis.url, prefix, defaultSender: "MyShop" });
    const { accepted } = await producer.sendMany([
      { to: "0612345678", content: "Afgeleverd" },
      { to: "0687654321", content: "Mislukt" },
      { to: "0611112222", content: "Nog niets bekend" },
    ]);
    const [delivered = "", failed = "", unknown = ""] = accepted.map((receipt) => receipt.id);
    Object.assign(ids, { delivered, failed, unknown });
    await reportDelivery(ids.delivered, "+31612345678", { status: 1, errorCode: "000" });
    await reportDelivery(ids.failed, "+31687654321", { status: 4, errorCode: "104" });

    // A dead SMS whose first part was accepted, and then delivered, before the rest failed.
    queues = openQueues(redis, prefix);
    await queues.add("dead-1", "+31655556666");
    await reportDelivery("dead-1", "+31655556666", { status: 1, errorCode: "000" });

    dashboard = await listenDashboard({ connection: redis.url, prefix });
  });
  afterAll(async () => {
    await dashboard?.close();
    await queues?.close();
    await producer?.close();
    await client?.quit();
    await redis?.close();
  });

  async function listing(queue: string): Promise<{ jobs: ApiJob[]; text: string }> {
    const response = await fetch(
      `${dashboard.url}/api/queues?activeQueue=${queue}&status=latest&page=1&jobsPerPage=50`,
      { headers: authorized },
    );
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as { queues: { name: string; jobs: ApiJob[] }[] };
    return { jobs: body.queues.find((entry) => entry.name === queue)?.jobs ?? [], text };
  }

  it("names each sms job's delivery state in bull-board's listing, numbers still masked", async () => {
    const { jobs, text } = await listing("sms");
    const nameOf = (id: string) => jobs.find((job) => job.id === id)?.name;
    expect(nameOf(ids.delivered)).toBe(`sms · delivery: delivered (code 000, ${REPORTED_ISO})`);
    expect(nameOf(ids.failed)).toBe(`sms · delivery: failed (code 104, ${REPORTED_ISO})`);
    expect(nameOf(ids.unknown)).toBe("sms · delivery: unknown");
    expect(jobs.find((job) => job.id === ids.failed)?.data.to).toBe("+316****4321");
    for (const digits of ["12345678", "87654321", "11112222"]) expect(text).not.toContain(digits);
  });

  it("shows it in the job view too", async () => {
    const response = await fetch(`${dashboard.url}/api/queues/sms/${ids.failed}`, {
      headers: authorized,
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const { job } = JSON.parse(text) as { job: ApiJob };
    expect(job.name).toBe(`sms · delivery: failed (code 104, ${REPORTED_ISO})`);
    expect(job.data.to).toBe("+316****4321");
    expect(text).not.toContain("87654321");
  });

  it("shows the delivery of a dead SMS's accepted parts on its dead-letter record", async () => {
    const { jobs, text } = await listing("sms-dead-letter");
    expect(jobs.map((job) => job.name)).toEqual([
      `dead-letter · delivery: delivered (code 000, ${REPORTED_ISO})`,
    ]);
    expect(text).toContain("+316****6666");
    expect(text).not.toContain("55556666");
  });

  it("has a delivery column on the dead-letter page", async () => {
    const response = await fetch(`${dashboard.url}/dead-letters`, { headers: authorized });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<th>delivery</th>");
    expect(html).toContain(
      `<td>delivered (code <code>000</code>)<br><time datetime="${REPORTED_ISO}">${formatTime(REPORTED_ISO)}</time></td>`,
    );
    expect(html).toContain("+316****6666");
    expect(html).not.toContain("55556666");
  });

  it("gives each entry of the dead-letter API its delivery", async () => {
    const response = await fetch(`${dashboard.url}/dead-letters/api`, { headers: authorized });
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as {
      entries: { id: string; data: { message: { to: string } }; delivery: unknown }[];
    };
    expect(body.entries).toHaveLength(1);
    expect(body.entries[0]).toMatchObject({
      id: "dead-1",
      data: { message: { to: "+316****6666" } },
      delivery: { state: "delivered", code: "000", reportedAt: REPORTED_ISO },
    });
    expect(text).not.toContain("55556666");
  });

  it("reads the deliveries of a page of jobs in one call, not one per job", async () => {
    const deadLetters = new DeadLetterQueue({ connection: redis.url, prefix });
    const calls: string[][] = [];
    const adapter = new MaskedBullMQAdapter(queues.sms, {
      readOnly: true,
      deliveries: (jobIds) => {
        calls.push(jobIds);
        return deadLetters.deliveries(jobIds);
      },
    });
    try {
      const jobs = await adapter.getJobs(["waiting"], 0, 49);
      expect(jobs).toHaveLength(3);
      expect(calls).toHaveLength(1);
      expect([...(calls[0] ?? [])].sort()).toEqual(Object.values(ids).sort());
    } finally {
      await deadLetters.close();
    }
  });
});
