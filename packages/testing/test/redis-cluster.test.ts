import { existsSync } from "node:fs";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type TestRedisCluster } from "../src/index.js";

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
});

afterAll(async () => {
  await cluster?.close();
});

function clusterInfo(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/\r?\n/)
      .filter((line) => line.includes(":"))
      .map((line) => line.split(":").map((part) => part.trim())),
  );
}

describe("startRedisCluster", () => {
  it("starts three masters that together serve every slot", async () => {
    expect(cluster.nodes).toHaveLength(3);
    expect(new Set(cluster.nodes.map((node) => node.port)).size).toBe(3);
    for (const node of cluster.nodes) {
      const client = new Redis(node.port, node.host);
      const info = clusterInfo(String(await client.call("CLUSTER", "INFO")));
      client.disconnect();
      expect(info).toMatchObject({
        cluster_state: "ok",
        cluster_slots_assigned: "16384",
        cluster_known_nodes: "3",
        cluster_size: "3",
      });
    }
  });

  it("serves keys of every slot through a Cluster client, each on the node that owns it", async () => {
    const client = cluster.connect();
    const keys = Array.from({ length: 30 }, (_, index) => `spread-${index}`);
    for (const key of keys) await client.set(key, key);
    expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys);
    const found = await cluster.findKeys("spread-*");
    expect(found).toHaveLength(30);
    // Thirty keys without a hash tag land on more than one node.
    expect(new Set(found.map((key) => key.port)).size).toBeGreaterThan(1);
    for (const { port, slot } of found) {
      const node = cluster.nodes.find((candidate) => candidate.port === port)!;
      expect(slot).toBeGreaterThanOrEqual(node.slots[0]);
      expect(slot).toBeLessThanOrEqual(node.slots[1]);
    }
    await client.quit();
  });

  it("gives prefixes in a hash tag, so keys under one prefix share a slot", async () => {
    const prefix = cluster.uniquePrefix("tagged");
    expect(prefix).toMatch(/^\{tagged-[^{}]+\}$/);
    const client = cluster.connect();
    for (const name of ["wait", "meta", "events", "id", "1", "2"]) {
      await client.set(`${prefix}:sms:${name}`, "x");
    }
    // A multi-key command fails with CROSSSLOT unless every key is in one slot.
    await expect(client.del(`${prefix}:sms:wait`, `${prefix}:sms:meta`)).resolves.toBe(2);
    const found = await cluster.findKeys(`${prefix}:*`);
    expect(new Set(found.map((key) => key.slot)).size).toBe(1);
    await client.quit();
  });

  it("kills the nodes and removes their files on close", async () => {
    const other = await startRedisCluster({ nodes: 1 });
    const [node] = other.nodes;
    const probe = new Redis(node!.port, node!.host);
    expect(await probe.ping()).toBe("PONG");
    const [, configFile] = (await probe.config("GET", "cluster-config-file")) as string[];
    probe.disconnect();
    expect(existsSync(configFile!)).toBe(true);
    await other.close();
    expect(existsSync(configFile!)).toBe(false);
    const after = new Redis(node!.port, node!.host, {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    after.on("error", () => {});
    await expect(after.connect()).rejects.toThrow();
  });
});
