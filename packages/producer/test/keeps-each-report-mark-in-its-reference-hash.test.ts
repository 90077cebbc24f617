import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DeliveryReport,
  deliveryKeys,
  deliveryReportMark,
  newDeliveryReference,
  readDelivery,
  recordDeliveryReports,
} from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const { server } = useRedis();
let redis: Redis;

beforeAll(() => {
  redis = new Redis(server().url);
});
afterAll(async () => {
  await redis.quit();
});

const TO = "+31612345678";
const T0 = 1_764_600_000_000;

async function sentSms(prefix: string, recipients: Record<string, string>) {
  const reference = newDeliveryReference();
  const key = deliveryKeys(prefix).reference(reference);
  await redis.hset(key, { sentAt: String(T0 - 1000), ...recipients });
  await redis.expire(key, 3600);
  return reference;
}

function report(status: number, extra: Partial<DeliveryReport> = {}): DeliveryReport {
  return { recipient: TO, status, statusDateTime: T0, ...extra };
}

describe("de-duplication marks in the reference hash", () => {
  it("adds one mark field to the reference and no key of its own", async () => {
    const prefix = server().uniquePrefix("marks");
    const reference = await sentSms(prefix, { [TO]: "job-1" });
    const delivered = report(1, { dlrId: "d-1", documentId: "doc-1" });
    await recordDeliveryReports(redis, prefix, reference, [delivered]);

    const keys = deliveryKeys(prefix);
    expect((await redis.keys(`${prefix}:*`)).sort()).toEqual(
      [keys.reference(reference), keys.state("job-1")].sort(),
    );
    expect(await redis.hgetall(keys.reference(reference))).toEqual({
      sentAt: String(T0 - 1000),
      [TO]: "job-1",
      "seen:d1:d-1": "1",
    });
    expect(deliveryReportMark(delivered)).toBe("seen:d1:d-1");
    // The reference keeps the expiry the worker gave it.
    expect(await redis.ttl(keys.reference(reference))).toBeGreaterThan(3500);
  });

  it("tells reports apart by status, and without a DLRID by recipient, time and document", () => {
    const marks = new Set([
      deliveryReportMark(report(2, { dlrId: "x" })),
      deliveryReportMark(report(1, { dlrId: "x" })),
      deliveryReportMark(report(1)),
      deliveryReportMark(report(1, { statusDateTime: T0 + 1 })),
      deliveryReportMark(report(1, { documentId: "doc-2" })),
      deliveryReportMark(report(1, { recipient: "+31687654321" })),
    ]);
    expect(marks.size).toBe(6);
  });

  it("hashes a mark that would be longer than 64 characters", () => {
    const long = deliveryReportMark(report(1, { dlrId: "a".repeat(200) }));
    expect(long).toMatch(/^seen:h:[A-Za-z0-9_-]{43}$/);
    expect(deliveryReportMark(report(1, { dlrId: `${"a".repeat(199)}b` }))).not.toBe(long);
  });

  it("counts a repeat of a report for an unknown reference as a duplicate, not unmatched again", async () => {
    const prefix = server().uniquePrefix("marks");
    const unknown = newDeliveryReference();
    const stray = report(1, { dlrId: "stray" });
    expect(await recordDeliveryReports(redis, prefix, unknown, [stray])).toEqual([
      { result: "unmatched" },
    ]);
    expect(await recordDeliveryReports(redis, prefix, unknown, [stray])).toEqual([
      { result: "duplicate" },
    ]);
    const keys = deliveryKeys(prefix);
    expect(await redis.llen(keys.unmatched)).toBe(1);
    // The reference hash it created holds the mark alone, and expires by the default TTL.
    expect(await redis.hkeys(keys.reference(unknown))).toEqual(["seen:d1:stray"]);
    const ttl = await redis.ttl(keys.reference(unknown));
    expect(ttl).toBeGreaterThan(604_700);
    expect(ttl).toBeLessThanOrEqual(604_800);
  });

  it("stores a body that mixes matched and unmatched reports once, each entry once", async () => {
    const prefix = server().uniquePrefix("marks");
    const reference = await sentSms(prefix, { [TO]: "job-2" });
    const body = [
      report(1, { dlrId: "m-1", errorCode: "000" }),
      report(1, { dlrId: "m-2", recipient: "+31611112222" }),
      report(1, { dlrId: "m-1", errorCode: "000" }),
    ];
    const outcomes = await recordDeliveryReports(redis, prefix, reference, body);
    expect(outcomes).toEqual([
      {
        result: "stored",
        jobId: "job-2",
        state: "delivered",
        becameFinal: true,
        changed: true,
        sentAt: T0 - 1000,
      },
      { result: "unmatched" },
      { result: "duplicate", jobId: "job-2" },
    ]);
    const entries = await redis.lrange(deliveryKeys(prefix).unmatched, 0, -1);
    expect(entries.map((entry) => JSON.parse(entry))).toEqual([
      expect.objectContaining({ reference, recipient: "+316****2222", dlrId: "m-2" }),
    ]);
    expect(await readDelivery(redis, prefix, "job-2")).toEqual({
      state: "delivered",
      code: "000",
      reportedAt: new Date(T0).toISOString(),
    });
  });

  it("drops the code of an earlier report when a report without one sets the state", async () => {
    const prefix = server().uniquePrefix("marks");
    const reference = await sentSms(prefix, { [TO]: "job-3" });
    await recordDeliveryReports(redis, prefix, reference, [
      report(1, { documentId: "d1", errorCode: "000" }),
    ]);
    await recordDeliveryReports(redis, prefix, reference, [
      report(1, { documentId: "d2", statusDateTime: T0 + 5000 }),
    ]);
    expect(await readDelivery(redis, prefix, "job-3")).toEqual({
      state: "delivered",
      reportedAt: new Date(T0 + 5000).toISOString(),
    });
  });

  it("records a body of 1500 reports for 1500 recipients of one reference", async () => {
    const prefix = server().uniquePrefix("marks");
    const recipients = Array.from({ length: 1500 }, (_, i) => `+3161${String(i).padStart(7, "0")}`);
    const reference = await sentSms(
      prefix,
      Object.fromEntries(recipients.map((to, i) => [to, `job-${i}`])),
    );
    const outcomes = await recordDeliveryReports(
      redis,
      prefix,
      reference,
      recipients.map((recipient) => report(1, { recipient })),
    );
    expect(outcomes.every((outcome) => outcome.result === "stored")).toBe(true);
    expect((await readDelivery(redis, prefix, "job-1499")).state).toBe("delivered");
    expect(await redis.hlen(deliveryKeys(prefix).reference(reference))).toBe(1 + 1500 + 1500);
  });
});
