import { describe, expect, it } from "vitest";
import {
  SMS_BACKOFF_TYPE,
  SMS_JOB_DEFAULTS,
  SMS_JOB_NAME,
  smsJobDataSchema,
} from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const fixture = useRedis();

describe("send", () => {
  it("stores a job in the contract shape under the receipt's id", async () => {
    const { sms, prefix } = fixture.producer();
    const before = Date.now();
    const receipt = await sms.send({ to: "06 12345678", content: "Hallo!", sender: "MyShop" });

    expect(receipt).toEqual({
      id: receipt.id,
      to: "+31612345678",
      parts: 1,
      segments: 1,
      encoding: "GSM-7",
      deduplicated: false,
    });
    expect(receipt.id).not.toMatch(/^\d+$/);
    expect(receipt.id).not.toContain(":");

    const { sms: queue } = fixture.queues(prefix);
    const job = await queue.getJob(receipt.id);
    expect(job?.name).toBe(SMS_JOB_NAME);
    expect(Object.keys(job?.data ?? {}).sort()).toEqual(
      ["content", "createdAt", "sender", "to", "v"].sort(),
    );
    expect(job?.data).toMatchObject({
      v: 1,
      to: "+31612345678",
      content: "Hallo!",
      sender: "MyShop",
    });
    expect(Date.parse(job?.data.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(smsJobDataSchema.parse(job?.data)).toEqual(job?.data);
    expect(await job?.getState()).toBe("waiting");
  });

  it("sets the documented job options and leaves retention to the worker", async () => {
    const { sms, prefix } = fixture.producer();
    const receipt = await sms.send({
      to: "+31 6 1234 5678",
      content: "x",
      sender: "Shop",
      priority: 7,
    });
    const job = await fixture.queues(prefix).sms.getJob(receipt.id);
    expect(job?.opts.attempts).toBe(SMS_JOB_DEFAULTS.attempts);
    expect(job?.opts.backoff).toEqual({ type: SMS_BACKOFF_TYPE });
    expect(job?.opts.priority).toBe(7);
    expect(job?.opts.removeOnComplete).toBeUndefined();
    expect(job?.opts.removeOnFail).toBeUndefined();
    expect(await job?.getState()).toBe("prioritized");
  });

  it("delays a send by delayMs", async () => {
    const { sms, prefix } = fixture.producer();
    const receipt = await sms.send({
      to: "0612345678",
      content: "later",
      sender: "Shop",
      delayMs: 60_000,
    });
    const job = await fixture.queues(prefix).sms.getJob(receipt.id);
    expect(await job?.getState()).toBe("delayed");
    expect(job?.opts.delay).toBe(60_000);
  });

  it("accepts the 097 machine-to-machine range", async () => {
    const { sms } = fixture.producer();
    const receipt = await sms.send({ to: "097 123456789", content: "ping", sender: "Shop" });
    expect(receipt.to).toBe("+3197123456789");
  });

  it("keeps the idempotency key in the job data", async () => {
    const { sms, prefix } = fixture.producer();
    const receipt = await sms.send({ to: "0612345678", content: "x", idempotencyKey: "order-42" });
    const job = await fixture.queues(prefix).sms.getJob(receipt.id);
    expect(job?.data.idempotencyKey).toBe("order-42");
    expect(receipt.id).toMatch(/^k-[0-9a-f]{40}$/);
  });

  it("reports parts and segments from the account's content limit", async () => {
    const { sms } = fixture.producer({ maxContentLength: 160 });
    const receipt = await sms.send({ to: "0612345678", content: "a ".repeat(150), sender: "Shop" });
    expect(receipt.parts).toBe(2);
    expect(receipt.segments).toBe(2);

    const longer = fixture.producer({ maxContentLength: 1000 });
    const one = await longer.sms.send({
      to: "0612345678",
      content: "a ".repeat(150),
      sender: "Shop",
    });
    expect(one.parts).toBe(1);
    expect(one.segments).toBe(2);
  });

  it("reports UCS-2 for Dutch text with ë", async () => {
    const { sms } = fixture.producer();
    const receipt = await sms.send({
      to: "0612345678",
      content: "Ideeën uit België",
      sender: "Shop",
    });
    expect(receipt.encoding).toBe("UCS-2");
  });

  it("replaces UCS-2 look-alikes when smartEncoding is on", async () => {
    const { sms, prefix } = fixture.producer({ smartEncoding: true });
    const receipt = await sms.send({
      to: "0612345678",
      content: "“Hallo” – tot zo…",
      sender: "Shop",
    });
    expect(receipt.encoding).toBe("GSM-7");
    const job = await fixture.queues(prefix).sms.getJob(receipt.id);
    expect(job?.data.content).not.toMatch(/[“”–…]/);
  });

  it("uses defaultSender, else SMS_DEFAULT_SENDER, else SMSRelay", async () => {
    const withDefault = fixture.producer({ defaultSender: "Bakkerij" });
    const a = await withDefault.sms.send({ to: "0612345678", content: "x" });
    expect((await fixture.queues(withDefault.prefix).sms.getJob(a.id))?.data.sender).toBe(
      "Bakkerij",
    );

    const previous = process.env.SMS_DEFAULT_SENDER;
    process.env.SMS_DEFAULT_SENDER = "FromEnv";
    try {
      const fromEnv = fixture.producer();
      const b = await fromEnv.sms.send({ to: "0612345678", content: "x" });
      expect((await fixture.queues(fromEnv.prefix).sms.getJob(b.id))?.data.sender).toBe("FromEnv");
    } finally {
      if (previous === undefined) delete process.env.SMS_DEFAULT_SENDER;
      else process.env.SMS_DEFAULT_SENDER = previous;
    }

    if (process.env.SMS_DEFAULT_SENDER === undefined) {
      const plain = fixture.producer();
      const c = await plain.sms.send({ to: "0612345678", content: "x" });
      expect((await fixture.queues(plain.prefix).sms.getJob(c.id))?.data.sender).toBe("SMSRelay");
    }
  });

  it("takes maxContentLength from KPN_MAX_CONTENT_LENGTH when the option is absent", async () => {
    const previous = process.env.KPN_MAX_CONTENT_LENGTH;
    process.env.KPN_MAX_CONTENT_LENGTH = "160";
    try {
      const { sms } = fixture.producer();
      const receipt = await sms.send({ to: "0612345678", content: "b ".repeat(150), sender: "S" });
      expect(receipt.parts).toBe(2);
    } finally {
      if (previous === undefined) delete process.env.KPN_MAX_CONTENT_LENGTH;
      else process.env.KPN_MAX_CONTENT_LENGTH = previous;
    }
  });
});
