import { describe, expect, it } from "vitest";
import { type SmsValidationError, smsJobId } from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const fixture = useRedis();

const base = { content: "Uw pakket is onderweg", sender: "MyShop" };

async function rejection(promise: Promise<unknown>): Promise<SmsValidationError> {
  return (await promise.then(
    () => undefined,
    (error: unknown) => error,
  )) as SmsValidationError;
}

describe("idempotency keys with lone surrogates", () => {
  const lone = [
    ["a lone high surrogate", "order-42-\uD83D"],
    ["a lone low surrogate", "order-42-\uDE00"],
    ["a reversed pair", "order-42-\uDE00\uD83D"],
    ["a lone surrogate in the middle", "order-\uD800-42"],
  ] as const;

  it.each(lone)("rejects %s, naming idempotencyKey, and enqueues nothing", async (_, key) => {
    const { sms, prefix } = fixture.producer();
    const error = await rejection(sms.send({ ...base, to: "0612345678", idempotencyKey: key }));
    expect(error?.code).toBe("SMS_VALIDATION");
    expect(error.issues.map((issue) => issue.path.join("."))).toEqual(["idempotencyKey"]);
    expect(error.message).toMatch(/^idempotencyKey: must be well-formed UTF-16/);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
  });

  it("never lets a second SMS to another number pass as a duplicate of the first", async () => {
    const { sms, prefix } = fixture.producer();
    const first = await rejection(
      sms.send({ ...base, to: "0612345678", idempotencyKey: "order-42-\uD83D" }),
    );
    const second = await rejection(
      sms.send({ ...base, to: "0687654321", idempotencyKey: "order-42-\uDE00" }),
    );
    expect([first?.code, second?.code]).toEqual(["SMS_VALIDATION", "SMS_VALIDATION"]);
    // The key that both would have collided with is a key of its own.
    const replacement = await sms.send({
      ...base,
      to: "0612345678",
      idempotencyKey: "order-42-\uFFFD",
    });
    expect(replacement.deduplicated).toBe(false);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(1);
  });

  it("reports a bad key in sendMany by index and enqueues the rest", async () => {
    const { sms } = fixture.producer();
    const result = await sms.sendMany([
      { ...base, to: "0612345678", idempotencyKey: "bulk-\uD83D" },
      { ...base, to: "0687654321", idempotencyKey: "bulk-\uD83D\uDE00" },
    ]);
    expect(result.rejected.map(({ index, error }) => [index, error.issues[0]?.path])).toEqual([
      [0, ["idempotencyKey"]],
    ]);
    expect(result.accepted.map((receipt) => receipt.deduplicated)).toEqual([false]);
  });

  it("is refused by smsJobId too", () => {
    expect(() => smsJobId("order-42-\uD83D")).toThrow(/idempotencyKey: must be well-formed/);
  });
});

describe("well-formed keys map to job ids one to one", () => {
  // Pairs a normalizing, trimming or case-folding id scheme would merge: each is two keys.
  const lookalikes = [
    ["composed and decomposed é", "bestelling-caf\u00E9", "bestelling-cafe\u0301"],
    ["K and the Kelvin sign", "order-K", "order-\u212A"],
    ["full-width and ASCII letters", "order-42", "\uFF4F\uFF52\uFF44\uFF45\uFF52-42"],
    ["a trailing space", "order-42", "order-42 "],
    ["a zero-width space", "order-42", "order-\u200B42"],
    ["letter case", "order-42", "ORDER-42"],
    ["U+FFFD and an emoji", "order-\uFFFD", "order-\u{1F600}"],
    ["a NUL", "order-42", "order-42\u0000"],
  ] as const;

  it.each(lookalikes)("keeps %s apart", async (_, one, other) => {
    expect(smsJobId(one)).not.toBe(smsJobId(other));
    const { sms, prefix } = fixture.producer();
    const first = await sms.send({ ...base, to: "0612345678", idempotencyKey: one });
    const second = await sms.send({ ...base, to: "0687654321", idempotencyKey: other });
    expect([first.deduplicated, second.deduplicated]).toEqual([false, false]);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(2);
  });

  it("dedupes a key with a surrogate pair like any other", async () => {
    const { sms } = fixture.producer();
    const first = await sms.send({ ...base, to: "0612345678", idempotencyKey: "order-\u{1F600}" });
    const again = await sms.send({ ...base, to: "0612345678", idempotencyKey: "order-\u{1F600}" });
    expect(again).toEqual({ ...first, deduplicated: true });
  });
});
