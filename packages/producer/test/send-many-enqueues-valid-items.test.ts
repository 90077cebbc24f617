import { describe, expect, it } from "vitest";
import { SmsValidationError } from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const fixture = useRedis();

describe("sendMany", () => {
  it("enqueues every valid item and reports each invalid one by index", async () => {
    const { sms, prefix } = fixture.producer({ defaultSender: "Shop" });
    const result = await sms.sendMany([
      { to: "0612345678", content: "one" },
      { to: "+32 470 12 34 56", content: "foreign" },
      { to: "0612345679", content: "three", sender: "Other" },
      { to: "0612345670", content: "" },
      { to: "0612345671", content: "five", idempotencyKey: "bulk-5" },
    ]);

    expect(result.accepted.map((receipt) => receipt.to)).toEqual([
      "+31612345678",
      "+31612345679",
      "+31612345671",
    ]);
    expect(result.accepted.every((receipt) => !receipt.deduplicated)).toBe(true);
    expect(result.rejected.map(({ index }) => index)).toEqual([1, 3]);
    for (const { error } of result.rejected) {
      expect(error).toBeInstanceOf(SmsValidationError);
      expect(error.code).toBe("SMS_VALIDATION");
    }
    expect(result.rejected[0]?.error.message).toMatch(/^to: /);
    expect(result.rejected[1]?.error.message).toMatch(/^content: /);

    const { sms: queue } = fixture.queues(prefix);
    expect(await fixture.jobCount(queue)).toBe(3);
    for (const receipt of result.accepted) {
      const job = await queue.getJob(receipt.id);
      expect(job?.data.to).toBe(receipt.to);
    }
  });

  it("touches nothing when every item is invalid", async () => {
    const { sms, prefix } = fixture.producer();
    const result = await sms.sendMany([{ to: "nope", content: "x" }]);
    expect(result.accepted).toEqual([]);
    expect(result.rejected).toHaveLength(1);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
  });

  it("handles an empty list", async () => {
    const { sms } = fixture.producer();
    await expect(sms.sendMany([])).resolves.toEqual({ accepted: [], rejected: [] });
  });

  it("enqueues a large batch across chunks", async () => {
    const { sms, prefix } = fixture.producer({ defaultSender: "Shop" });
    const inputs = Array.from({ length: 1_200 }, (_, index) => ({
      to: `06${String(10_000_000 + index)}`,
      content: `message ${index}`,
    }));
    const result = await sms.sendMany(inputs);
    expect(result.accepted).toHaveLength(1_200);
    expect(new Set(result.accepted.map((receipt) => receipt.id)).size).toBe(1_200);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(1_200);
  });
});
