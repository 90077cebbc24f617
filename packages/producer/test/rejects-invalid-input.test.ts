import { describe, expect, it } from "vitest";
import { type SendSmsInput, SmsValidationError } from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const fixture = useRedis();

const valid: SendSmsInput = { to: "0612345678", content: "Hallo!", sender: "MyShop" };

const cases: Array<{
  name: string;
  input: Partial<SendSmsInput> | Record<string, unknown>;
  field: string;
}> = [
  { name: "letters as number", input: { to: "not a number" }, field: "to" },
  { name: "a landline", input: { to: "020 123 4567" }, field: "to" },
  { name: "a Belgian mobile", input: { to: "+32 470 12 34 56" }, field: "to" },
  { name: "a German mobile", input: { to: "+49 151 23456789" }, field: "to" },
  { name: "a 060 number", input: { to: "060 1234567" }, field: "to" },
  { name: "a 067 number", input: { to: "067 1234567" }, field: "to" },
  { name: "a 069 number", input: { to: "069 1234567" }, field: "to" },
  { name: "a 06 number one digit short", input: { to: "06 1234567" }, field: "to" },
  { name: "an empty number", input: { to: "" }, field: "to" },
  { name: "a number that is not a string", input: { to: 612345678 }, field: "to" },
  { name: "empty content", input: { content: "" }, field: "content" },
  { name: "content that is not a string", input: { content: 42 }, field: "content" },
  { name: "a 12-character sender", input: { sender: "ABCDEFGHIJKL" }, field: "sender" },
  { name: "an empty sender", input: { sender: "" }, field: "sender" },
  { name: "an empty idempotency key", input: { idempotencyKey: "" }, field: "idempotencyKey" },
  {
    name: "a 201-character key",
    input: { idempotencyKey: "k".repeat(201) },
    field: "idempotencyKey",
  },
  { name: "a key that is not a string", input: { idempotencyKey: 42 }, field: "idempotencyKey" },
  { name: "a negative delay", input: { delayMs: -1 }, field: "delayMs" },
  { name: "a fractional delay", input: { delayMs: 1.5 }, field: "delayMs" },
  { name: "a delay that is not a number", input: { delayMs: "10" }, field: "delayMs" },
  { name: "a negative priority", input: { priority: -1 }, field: "priority" },
  { name: "a priority above 2097151", input: { priority: 2_097_152 }, field: "priority" },
  { name: "a ttl of 0 seconds", input: { ttlSeconds: 0 }, field: "ttlSeconds" },
  { name: "a ttl over a week", input: { ttlSeconds: 604_801 }, field: "ttlSeconds" },
  { name: "a fractional ttl", input: { ttlSeconds: 1.5 }, field: "ttlSeconds" },
  {
    name: "both ttlSeconds and expiresAt",
    input: { ttlSeconds: 60, expiresAt: new Date(Date.now() + 60_000) },
    field: "expiresAt",
  },
  {
    name: "an expiry in the past",
    input: { expiresAt: "2020-01-01T00:00:00Z" },
    field: "expiresAt",
  },
  {
    name: "an expiry over a week ahead",
    input: { expiresAt: new Date(Date.now() + 8 * 86_400_000) },
    field: "expiresAt",
  },
  { name: "an expiry that is no date", input: { expiresAt: "tomorrow" }, field: "expiresAt" },
  { name: "a delay past the expiry", input: { ttlSeconds: 10, delayMs: 20_000 }, field: "delayMs" },
  {
    name: "a callback URL that is not http",
    input: { callbackUrl: "ftp://shop.example/x" },
    field: "callbackUrl",
  },
  {
    name: "a callback URL that is no URL",
    input: { callbackUrl: "shop.example" },
    field: "callbackUrl",
  },
];

describe("send rejects bad input and enqueues nothing", () => {
  it.each(cases)("$name", async ({ input, field }) => {
    const { sms, prefix } = fixture.producer();
    const error = await sms.send({ ...valid, ...input } as SendSmsInput).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsValidationError);
    const validation = error as SmsValidationError;
    expect(validation.code).toBe("SMS_VALIDATION");
    expect(validation.issues.map((issue) => issue.path.join("."))).toEqual([field]);
    expect(validation.message).toMatch(new RegExp(`^${field}: `));
    expect(validation.message).not.toContain("\n");
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
  });

  it("names every bad field in one line", async () => {
    const { sms, prefix } = fixture.producer();
    const error = (await sms
      .send({ to: "+32 470 12 34 56", content: "x", sender: "ABCDEFGHIJKL" })
      .catch((e: unknown) => e)) as SmsValidationError;
    expect(error.code).toBe("SMS_VALIDATION");
    expect(error.message).toMatch(/^to: .+; sender: .+$/);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
  });

  it.each([
    ["ABCDEFGHIJKL", "sender: must have at most 11 characters; got 12"],
    ["", "sender: must have 1 to 11 characters and not only spaces; got none"],
    ["Bakkerij België", /^sender: must have at most 11 characters; got 15, and may only use /],
  ])("names the sender once for %j", async (sender, message) => {
    const { sms } = fixture.producer();
    const error = (await sms
      .send({ ...valid, sender })
      .catch((e: unknown) => e)) as SmsValidationError;
    expect(error.message).toMatch(message);
    expect(error.issues[0]?.message).not.toMatch(/^sender\b/);
    expect(error.message).not.toContain("sender: sender");
  });

  it("does not quote the phone number in the error", async () => {
    const { sms } = fixture.producer();
    const error = (await sms
      .send({ ...valid, to: "+32 470 99 88 77" })
      .catch((e: unknown) => e)) as SmsValidationError;
    expect(error.message).not.toContain("99 88 77");
    expect(JSON.stringify(error.issues)).not.toContain("99 88 77");
  });

  it("rejects content beyond maxSegments and says how many segments it would be", async () => {
    const { sms, prefix } = fixture.producer({ maxSegments: 3 });
    const content = "a".repeat(153 * 3 + 1);
    const error = (await sms
      .send({ ...valid, content })
      .catch((e: unknown) => e)) as SmsValidationError;
    expect(error.code).toBe("SMS_VALIDATION");
    expect(error.message).toMatch(/^content: .*\b4 SMS segments\b.*\b3\b/);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
    await expect(sms.send({ ...valid, content: "a".repeat(153 * 3) })).resolves.toMatchObject({
      segments: 3,
    });
  });

  it("rejects oversized content at the default limit of 10 segments", async () => {
    const { sms, prefix } = fixture.producer();
    const error = (await sms
      .send({ ...valid, content: "€".repeat(1000) })
      .catch((e: unknown) => e)) as SmsValidationError;
    expect(error.issues[0]?.path).toEqual(["content"]);
    expect(error.message).toMatch(/at most 10/);
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
  });

  it("rejects megabytes of content without planning them", async () => {
    const { sms, prefix } = fixture.producer();
    const error = (await sms
      .send({ ...valid, content: "x".repeat(5_000_000) })
      .catch((e: unknown) => e)) as SmsValidationError;
    expect(error.message).toMatch(
      /^content: too long: 5000000 characters is more than 10 SMS segments$/,
    );
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
  });

  it("rejects input that is not an object", async () => {
    const { sms } = fixture.producer();
    const error = (await sms
      .send(null as unknown as SendSmsInput)
      .catch((e: unknown) => e)) as SmsValidationError;
    expect(error.code).toBe("SMS_VALIDATION");
  });
});

describe("expiry and callbacks", () => {
  it("stores the expiry as an ISO instant and the callback URL on the job", async () => {
    const { sms, prefix } = fixture.producer({ defaultCallbackUrl: "https://shop.example/sms" });
    const before = Date.now();
    const ttl = await sms.send({ ...valid, ttlSeconds: 300 });
    const at = new Date(Date.now() + 60_000);
    const explicit = await sms.send({ ...valid, expiresAt: at, callbackUrl: "http://10.0.0.1/x" });
    const queue = fixture.queues(prefix).sms;
    const first = (await queue.getJob(ttl.id))?.data;
    expect(Date.parse(first?.expiresAt ?? "")).toBeGreaterThanOrEqual(before + 300_000);
    expect(Date.parse(first?.expiresAt ?? "")).toBeLessThanOrEqual(Date.now() + 300_000);
    expect(first?.callbackUrl).toBe("https://shop.example/sms");
    const second = (await queue.getJob(explicit.id))?.data;
    expect(second?.expiresAt).toBe(at.toISOString());
    expect(second?.callbackUrl).toBe("http://10.0.0.1/x");
  });
});
