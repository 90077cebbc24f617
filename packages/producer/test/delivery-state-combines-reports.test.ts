import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  combineDeliveryStates,
  type DeliveryReport,
  deliveryKeys,
  deliveryStateOfKpnStatus,
  isDeliveryReference,
  newDeliveryReference,
  readDeliveries,
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

/** A reference hash as the worker writes it before a send. */
async function sentSms(prefix: string, jobId: string, extra: Record<string, string> = {}) {
  const reference = newDeliveryReference();
  await redis.hset(deliveryKeys(prefix).reference(reference), { [TO]: jobId, ...extra });
  await redis.expire(deliveryKeys(prefix).reference(reference), 3600);
  return reference;
}

function report(status: number, extra: Partial<DeliveryReport> = {}): DeliveryReport {
  return { recipient: TO, status, statusDateTime: T0, ...extra };
}

describe("delivery keys and states", () => {
  it("builds every key under the queue prefix, so a hash-tagged prefix keeps one slot", () => {
    const keys = deliveryKeys("{sms}");
    expect(keys.reference("r")).toBe("{sms}:sms:dlr:ref:r");
    expect(keys.state("j")).toBe("{sms}:sms:dlr:state:j");
    expect(keys.unmatched).toBe("{sms}:sms:dlr:unmatched");
  });

  it("makes 22-character base64url references that do not repeat", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => newDeliveryReference()));
    expect(seen.size).toBe(1000);
    for (const reference of seen) expect(isDeliveryReference(reference)).toBe(true);
  });

  it.each([
    [1, "delivered"],
    [2, "pending"],
    [3, "pending"],
    [4, "failed"],
    [5, "failed"],
    [6, "expired"],
    [7, undefined],
  ])("maps KPN status %i to %s", (status, state) => {
    expect(deliveryStateOfKpnStatus(status)).toBe(state);
  });

  it("combines parts: failed over expired over delivered-by-all over pending", () => {
    expect(combineDeliveryStates([])).toBe("unknown");
    expect(combineDeliveryStates(["delivered", "failed", "expired"])).toBe("failed");
    expect(combineDeliveryStates(["delivered", "expired"])).toBe("expired");
    expect(combineDeliveryStates(["delivered", "pending"])).toBe("pending");
    expect(combineDeliveryStates(["delivered", "delivered"])).toBe("delivered");
  });
});

describe("recordDeliveryReports + readDelivery", () => {
  it("is unknown until a report comes, then shows state, code and time", async () => {
    const prefix = server().uniquePrefix("dlr");
    const reference = await sentSms(prefix, "job-1");
    expect(await readDelivery(redis, prefix, "job-1")).toEqual({ state: "unknown" });
    const outcomes = await recordDeliveryReports(redis, prefix, reference, [
      report(1, { errorCode: "000" }),
    ]);
    expect(outcomes).toEqual([
      { result: "stored", jobId: "job-1", state: "delivered", becameFinal: true, changed: true },
    ]);
    expect(await readDelivery(redis, prefix, "job-1")).toEqual({
      state: "delivered",
      code: "000",
      reportedAt: new Date(T0).toISOString(),
    });
    const ttl = await redis.ttl(deliveryKeys(prefix).state("job-1"));
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it("never goes back from a final state: a late pending changes nothing", async () => {
    const prefix = server().uniquePrefix("dlr");
    const reference = await sentSms(prefix, "job-2");
    await recordDeliveryReports(redis, prefix, reference, [report(1, { dlrId: "b" })]);
    const [late] = await recordDeliveryReports(redis, prefix, reference, [
      report(2, { dlrId: "a", statusDateTime: T0 - 1000 }),
    ]);
    expect(late).toEqual({ result: "unchanged", jobId: "job-2", state: "delivered" });
    expect((await readDelivery(redis, prefix, "job-2")).state).toBe("delivered");
  });

  it("counts a report seen before once, by DLRID or by its fields", async () => {
    const prefix = server().uniquePrefix("dlr");
    const reference = await sentSms(prefix, "job-3");
    const first = await recordDeliveryReports(redis, prefix, reference, [
      report(4, { dlrId: "x", errorCode: "012" }),
      report(4, { dlrId: "x", errorCode: "012" }),
      report(2),
      report(2),
    ]);
    expect(first.map((o) => o.result)).toEqual(["stored", "duplicate", "unchanged", "duplicate"]);
    const again = await recordDeliveryReports(redis, prefix, reference, [
      report(4, { dlrId: "x" }),
    ]);
    expect(again).toEqual([{ result: "duplicate", jobId: "job-3" }]);
    expect(await readDelivery(redis, prefix, "job-3")).toMatchObject({
      state: "failed",
      code: "012",
    });
  });

  it("combines the reports of several documents of one SMS", async () => {
    const prefix = server().uniquePrefix("dlr");
    const reference = await sentSms(prefix, "job-4");
    const state = async () => (await readDelivery(redis, prefix, "job-4")).state;
    await recordDeliveryReports(redis, prefix, reference, [report(2, { documentId: "d1" })]);
    await recordDeliveryReports(redis, prefix, reference, [report(2, { documentId: "d2" })]);
    expect(await state()).toBe("pending");
    await recordDeliveryReports(redis, prefix, reference, [report(1, { documentId: "d1" })]);
    expect(await state()).toBe("pending");
    await recordDeliveryReports(redis, prefix, reference, [report(1, { documentId: "d2" })]);
    expect(await state()).toBe("delivered");
    await recordDeliveryReports(redis, prefix, reference, [report(6, { documentId: "d3" })]);
    expect(await state()).toBe("expired");
    await recordDeliveryReports(redis, prefix, reference, [report(5, { documentId: "d4" })]);
    expect(await state()).toBe("failed");
  });

  it("reads the states of many SMS at once, in the order asked, unknown where none came", async () => {
    const prefix = server().uniquePrefix("dlr");
    const delivered = await sentSms(prefix, "job-a");
    const failed = await sentSms(prefix, "job-b");
    await recordDeliveryReports(redis, prefix, delivered, [report(1, { errorCode: "000" })]);
    await recordDeliveryReports(redis, prefix, failed, [report(4, { errorCode: "104" })]);
    const at = new Date(T0).toISOString();
    expect(await readDeliveries(redis, prefix, ["job-b", "job-none", "job-a"])).toEqual([
      { state: "failed", code: "104", reportedAt: at },
      { state: "unknown" },
      { state: "delivered", code: "000", reportedAt: at },
    ]);
    expect(await readDeliveries(redis, prefix, [])).toEqual([]);
  });

  it("keeps a report that matches no SMS in the capped unmatched list, number masked", async () => {
    const prefix = server().uniquePrefix("dlr");
    const reference = await sentSms(prefix, "job-5");
    const outcomes = await recordDeliveryReports(
      redis,
      prefix,
      reference,
      [report(1, { recipient: "+31687654321" }), report(1, { recipient: "+31611112222" })],
      { unmatchedLimit: 1 },
    );
    expect(outcomes).toEqual([{ result: "unmatched" }, { result: "unmatched" }]);
    const entries = await redis.lrange(deliveryKeys(prefix).unmatched, 0, -1);
    expect(entries).toHaveLength(1);
    const entry = JSON.parse(entries[0]!);
    expect(entry).toMatchObject({ reference, recipient: "+316****2222", status: 1 });
    expect(entries[0]).not.toContain("31611112222");
  });

  it("gives the send time stored with the reference once the SMS is final", async () => {
    const prefix = server().uniquePrefix("dlr");
    const reference = await sentSms(prefix, "job-6", { sentAt: String(T0 - 5000) });
    const [pending] = await recordDeliveryReports(redis, prefix, reference, [report(2)]);
    expect(pending).toMatchObject({ result: "stored", becameFinal: false, sentAt: T0 - 5000 });
    const [delivered] = await recordDeliveryReports(redis, prefix, reference, [report(1)]);
    expect(delivered).toMatchObject({ result: "stored", becameFinal: true, sentAt: T0 - 5000 });
  });

  it("refuses a status code outside 1 to 6 before touching Redis", async () => {
    const prefix = server().uniquePrefix("dlr");
    await expect(recordDeliveryReports(redis, prefix, "r", [report(9)])).rejects.toMatchObject({
      code: "SMS_DELIVERY_REPORT_INVALID",
      field: "reports[0].status",
    });
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });
});
