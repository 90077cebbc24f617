import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import {
  findSmsIdsByNumber,
  indexSmsByNumber,
  numberIndexKey,
  SMS_JOB_NAME,
} from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const fixture = useRedis();

function client(): Redis {
  const redis = new Redis(fixture.server().url);
  fixture.onCleanup(() => redis.quit());
  return redis;
}

const SPELLINGS = [
  "0612345678",
  "+31612345678",
  "0031612345678",
  "31612345678",
  "+31 6 1234 5678",
  "06-12345678",
  "+31 (0)6 12345678",
  "06.12.34.56.78",
];

describe("the index of SMS by number", () => {
  it("finds a sent SMS by its number in every Dutch spelling", async () => {
    const { sms, prefix } = fixture.producer();
    const redis = client();
    const receipt = await sms.send({ to: "06 12345678", content: "Hallo" });
    for (const spelling of SPELLINGS) {
      expect(await findSmsIdsByNumber(redis, prefix, spelling), spelling).toEqual([receipt.id]);
    }
    expect(await findSmsIdsByNumber(redis, prefix, "0687654321")).toEqual([]);
  });

  it("refuses what is not a Dutch mobile number, by code", async () => {
    const { prefix } = fixture.producer();
    await expect(findSmsIdsByNumber(client(), prefix, "020 123 4567")).rejects.toMatchObject({
      code: "SMS_INVALID_NUMBER",
    });
  });

  it("indexes every SMS of a sendMany under its own number, newest first", async () => {
    const { sms, prefix } = fixture.producer();
    const redis = client();
    const later = await sms.send({ to: "0611110000", content: "later", delayMs: 60_000 });
    const many = await sms.sendMany([
      { to: "0611110000", content: "een" },
      { to: "+31622220000", content: "twee" },
      { to: "nope", content: "kapot" },
      { to: "0031 6 1111 0000", content: "drie" },
    ]);
    expect(many.rejected.map((r) => r.index)).toEqual([2]);
    const [one, two, three] = many.accepted.map((r) => r.id);

    const first = await findSmsIdsByNumber(redis, prefix, "0611110000");
    // The delayed one is due last, so it is the newest; the two others share a moment.
    expect(first[0]).toBe(later.id);
    expect(first.slice(1).sort()).toEqual([one, three].sort());
    expect(await findSmsIdsByNumber(redis, prefix, "0622220000")).toEqual([two]);
    expect(await findSmsIdsByNumber(redis, prefix, "0611110000", { limit: 1 })).toEqual([later.id]);
  });

  it("keeps one entry for a send deduplicated by its idempotency key", async () => {
    const { sms, prefix } = fixture.producer();
    const a = await sms.send({ to: "0633330000", content: "x", idempotencyKey: "order-1" });
    const b = await sms.send({ to: "0633330000", content: "x", idempotencyKey: "order-1" });
    expect(b).toMatchObject({ id: a.id, deduplicated: true });
    expect(await findSmsIdsByNumber(client(), prefix, "0633330000")).toEqual([a.id]);
  });

  it("lets a number's entries expire with the retention of sent SMS", async () => {
    const { sms, prefix } = fixture.producer({ keepCompletedSeconds: 1 });
    const redis = client();
    await sms.send({ to: "0644440000", content: "kort" });
    const key = numberIndexKey(prefix, "+31644440000");
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await redis.exists(key)).toBe(0);
    expect(await findSmsIdsByNumber(redis, prefix, "0644440000")).toEqual([]);
  });

  it("keeps a delayed SMS for the retention after it is due, and a week by default", async () => {
    const { sms, prefix } = fixture.producer();
    const redis = client();
    await sms.send({ to: "0655550000", content: "straks", delayMs: 3_600_000 });
    const ttl = await redis.pttl(numberIndexKey(prefix, "+31655550000"));
    const week = 604_800_000;
    expect(ttl).toBeGreaterThan(week + 3_600_000 - 10_000);
    expect(ttl).toBeLessThanOrEqual(week + 3_600_000);
  });

  it("drops entries past the retention when the number gets a new SMS", async () => {
    const { prefix } = fixture.producer();
    const redis = client();
    const now = Date.now();
    await indexSmsByNumber(redis, prefix, [{ to: "+31666660000", jobId: "old", dueAt: now }], {
      keepSeconds: 60,
      now,
    });
    await indexSmsByNumber(
      redis,
      prefix,
      [{ to: "+31666660000", jobId: "new", dueAt: now + 61_000 }],
      { keepSeconds: 60, now: now + 61_000 },
    );
    expect(await findSmsIdsByNumber(redis, prefix, "0666660000")).toEqual(["new"]);
  });

  it("holds no entry for jobs added around the producer; those are found by id only", async () => {
    const { sms, prefix } = fixture.producer();
    const { sms: queue } = fixture.queues(prefix);
    await queue.add(SMS_JOB_NAME, { v: 1, to: "+31612377000" }, { jobId: "by-hand" });
    expect(await findSmsIdsByNumber(client(), prefix, "0612377000")).toEqual([]);
    expect((await sms.status("by-hand")).state).toBe("waiting");
  });

  it("reads a bad SMS_KEEP_COMPLETED_SECONDS as a bad option, naming it", () => {
    const saved = process.env.SMS_KEEP_COMPLETED_SECONDS;
    process.env.SMS_KEEP_COMPLETED_SECONDS = "soon";
    try {
      expect(() => fixture.producer()).toThrow(/SMS_KEEP_COMPLETED_SECONDS: must be an integer/);
    } finally {
      if (saved === undefined) delete process.env.SMS_KEEP_COMPLETED_SECONDS;
      else process.env.SMS_KEEP_COMPLETED_SECONDS = saved;
    }
  });
});
