import { startRedisCluster, type TestRedisCluster } from "@sms-relay/testing";
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSmsIdsByNumber, SmsProducer } from "../src/index.js";

let cluster: TestRedisCluster;
let client: Cluster;
let sms: SmsProducer;
const PREFIX = "{sms-index}";

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = cluster.connect();
  sms = new SmsProducer({ connection: client, prefix: PREFIX, defaultSender: "MyShop" });
});

afterAll(async () => {
  await sms?.close();
  await client?.quit().catch(() => {});
  await cluster?.close();
});

describe("the number index on a Redis Cluster with a hash-tagged prefix", () => {
  it("is written by send and sendMany in the queue's slot and found by number", async () => {
    const one = await sms.send({ to: "0612345678", content: "een" });
    const many = await sms.sendMany([
      { to: "0612345678", content: "twee" },
      { to: "0687654321", content: "drie" },
    ]);
    const found = await findSmsIdsByNumber(client, PREFIX, "+31 6 1234 5678");
    expect(found.sort()).toEqual([one.id, many.accepted[0]?.id].sort());
    expect(await findSmsIdsByNumber(client, PREFIX, "06-87654321")).toEqual([many.accepted[1]?.id]);

    const keys = await cluster.findKeys(`${PREFIX}:sms:idx:*`);
    expect(keys.map((key) => key.key).sort()).toEqual([
      `${PREFIX}:sms:idx:to:+31612345678`,
      `${PREFIX}:sms:idx:to:+31687654321`,
    ]);
    const slot = Number(await client.cluster("KEYSLOT", PREFIX));
    expect(new Set(keys.map((key) => key.slot))).toEqual(new Set([slot]));
  });
});
