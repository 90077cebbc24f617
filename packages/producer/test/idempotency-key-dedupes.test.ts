import { describe, expect, it } from "vitest";
import { smsJobId } from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const fixture = useRedis();

const base = { to: "0612345678", content: "Uw pakket is onderweg", sender: "MyShop" };

describe("idempotencyKey", () => {
  it("maps one key to one deterministic job id", () => {
    expect(smsJobId("order-42")).toBe(smsJobId("order-42"));
    expect(smsJobId("order-42")).not.toBe(smsJobId("order-43"));
    expect(smsJobId("a:b")).not.toContain(":");
    expect(smsJobId()).not.toBe(smsJobId());
  });

  it("enqueues once for sequential sends and returns the first job's id", async () => {
    const { sms, prefix } = fixture.producer();
    const first = await sms.send({ ...base, idempotencyKey: "order-42-shipped" });
    const second = await sms.send({ ...base, idempotencyKey: "order-42-shipped" });
    expect(first.deduplicated).toBe(false);
    expect(second).toEqual({ ...first, deduplicated: true });
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(1);
  });

  it("keeps the first job when a later send with the key differs", async () => {
    const { sms, prefix } = fixture.producer();
    const first = await sms.send({ ...base, idempotencyKey: "k1" });
    const later = await sms.send({ ...base, content: "other text", idempotencyKey: "k1" });
    expect(later.deduplicated).toBe(true);
    expect(later.id).toBe(first.id);
    const job = await fixture.queues(prefix).sms.getJob(first.id);
    expect(job?.data.content).toBe(base.content);
  });

  it("lets exactly one of many concurrent same-key sends create the job", async () => {
    const { sms, prefix } = fixture.producer();
    const other = fixture.producer({ prefix }).sms;
    const receipts = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (index % 2 === 0 ? sms : other).send({ ...base, idempotencyKey: "concurrent" }),
      ),
    );
    expect(new Set(receipts.map((receipt) => receipt.id)).size).toBe(1);
    expect(receipts.filter((receipt) => !receipt.deduplicated)).toHaveLength(1);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(1);
  });

  it("dedupes within and across sendMany calls", async () => {
    const { sms, prefix } = fixture.producer();
    const first = await sms.sendMany([
      { ...base, idempotencyKey: "bulk-a" },
      { ...base, idempotencyKey: "bulk-a" },
      { ...base, idempotencyKey: "bulk-b" },
    ]);
    expect(first.accepted.map((receipt) => receipt.deduplicated)).toEqual([false, true, false]);
    expect(first.accepted[0]?.id).toBe(first.accepted[1]?.id);

    const again = await sms.sendMany([{ ...base, idempotencyKey: "bulk-b" }, { ...base }]);
    expect(again.accepted.map((receipt) => receipt.deduplicated)).toEqual([true, false]);
    expect(again.accepted[0]?.id).toBe(first.accepted[2]?.id);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(3);
  });

  it("dedupes a send against an earlier sendMany and the other way round", async () => {
    const { sms } = fixture.producer();
    const single = await sms.send({ ...base, idempotencyKey: "mixed-1" });
    const bulk = await sms.sendMany([{ ...base, idempotencyKey: "mixed-1" }]);
    expect(bulk.accepted[0]).toEqual({ ...single, deduplicated: true });
  });

  it("enqueues again once the first job is gone (the retention window ended)", async () => {
    const { sms, prefix } = fixture.producer();
    const first = await sms.send({ ...base, idempotencyKey: "short-lived" });
    await fixture.queues(prefix).sms.remove(first.id);
    const second = await sms.send({ ...base, idempotencyKey: "short-lived" });
    expect(second).toEqual({ ...first, deduplicated: false });
  });
});
