import { deliveryKeys } from "@sms-relay/producer";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDeliveryReferences,
  DeliveryReferenceUnavailableError,
} from "../src/delivery-references.js";

let redis: TestRedis;
let client: Redis;
const prefix = "refs";

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  await new Promise((resolve) => client.once("ready", resolve));
});
afterAll(async () => {
  client.disconnect();
  await redis.close();
});

function references(connection: Redis = client) {
  return createDeliveryReferences({
    redis: connection,
    prefix,
    baseUrl: "https://sms.example/kpn/dlr/",
    ttlSeconds: 3600,
  });
}

function referenceOf(webhookUrl: string): string {
  const match = /^https:\/\/sms\.example\/kpn\/dlr\/([A-Za-z0-9_-]{22})$/.exec(webhookUrl);
  if (!match) throw new Error(`not a webhook URL: ${webhookUrl}`);
  return match[1]!;
}

describe("delivery references", () => {
  it("records recipient → job id, the send time and callback URLs, kept as long as the job", async () => {
    const before = Date.now();
    const reference = references().register(
      new Map([["+31612345678", "job-1"]]),
      new Map([["job-1", "https://backend.example/status"]]),
    );
    await reference.write();
    const key = deliveryKeys(prefix).reference(referenceOf(reference.webhookUrl));
    const record = await client.hgetall(key);
    expect(record).toMatchObject({
      "+31612345678": "job-1",
      "cb:job-1": "https://backend.example/status",
    });
    expect(Number(record.sentAt)).toBeGreaterThanOrEqual(before);
    const ttl = await client.ttl(key);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it("gives every request its own unguessable reference", async () => {
    const refs = references();
    const urls = new Set(
      Array.from(
        { length: 200 },
        () => refs.register(new Map([["+31612345678", "job-2"]])).webhookUrl,
      ),
    );
    expect(urls.size).toBe(200);
  });

  it("writes the record again when Redis refused it, with the same fields", async () => {
    const admin = new Redis(redis.url);
    try {
      await admin.config("SET", "maxmemory-policy", "noeviction");
      await admin.config("SET", "maxmemory", "1");
      const reference = references().register(new Map([["+31612345679", "job-3"]]));
      await expect(reference.write()).rejects.toThrow(/OOM/);
      await admin.config("SET", "maxmemory", "0");
      await reference.write();
      const key = deliveryKeys(prefix).reference(referenceOf(reference.webhookUrl));
      expect(await client.hget(key, "+31612345679")).toBe("job-3");
    } finally {
      await admin.config("SET", "maxmemory", "0");
      admin.disconnect();
    }
  });

  it("refuses at once, before anything could be sent, while Redis is not connected", async () => {
    const offline = new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: false });
    try {
      expect(() => references(offline).register(new Map([["+31612345678", "job-4"]]))).toThrow(
        DeliveryReferenceUnavailableError,
      );
    } finally {
      offline.disconnect();
    }
  });
});
