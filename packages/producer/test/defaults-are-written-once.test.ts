import { describe, expect, it } from "vitest";
import { DEFAULT_PREFIX, PRODUCER_DEFAULTS, SmsProducer } from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const fixture = useRedis();

describe("PRODUCER_DEFAULTS", () => {
  it("holds every default the worker, CLI, dashboard and stack share, with the documented values", () => {
    expect(PRODUCER_DEFAULTS).toEqual({
      prefix: "bull",
      defaultSender: "SMSRelay",
      maxSegments: 10,
      maxContentLength: 1000,
      smartEncoding: false,
      connectTimeoutMs: 5000,
      operationTimeoutMs: 5000,
      backoffMs: 2000,
      backoffMaxMs: 600000,
      maxAttempts: 10,
      keepCompletedSeconds: 604800,
      kpnBaseUrl: "https://api-prd.kpn.com",
      kpnSendPath: "/communication/kpn/sms/send",
    });
    expect(PRODUCER_DEFAULTS.prefix).toBe(DEFAULT_PREFIX);
  });

  it("cannot be changed by an app at run time", () => {
    expect(Object.isFrozen(PRODUCER_DEFAULTS)).toBe(true);
    expect(() => {
      (PRODUCER_DEFAULTS as { maxSegments: number }).maxSegments = 99;
    }).toThrow(TypeError);
    expect(PRODUCER_DEFAULTS.maxSegments).toBe(10);
  });

  it("is what a producer without options uses", async () => {
    const names = ["SMS_DEFAULT_SENDER", "KPN_MAX_CONTENT_LENGTH"] as const;
    const saved = names.map((name) => process.env[name]);
    for (const name of names) delete process.env[name];
    try {
      const sms = new SmsProducer({ connection: fixture.server().url });
      fixture.onCleanup(() => sms.close());
      const limit = PRODUCER_DEFAULTS.maxContentLength;
      const one = await sms.send({ to: "0612345678", content: "x".repeat(limit) });
      const two = await sms.send({ to: "0612345678", content: "x".repeat(limit + 1) });
      expect([one.parts, two.parts]).toEqual([1, 2]);
      const job = await fixture.queues(PRODUCER_DEFAULTS.prefix).sms.getJob(one.id);
      expect(job?.data.sender).toBe(PRODUCER_DEFAULTS.defaultSender);
    } finally {
      names.forEach((name, index) => {
        const value = saved[index];
        if (value !== undefined) process.env[name] = value;
      });
    }
  });
});
