import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster, type ClusterOptions, Redis } from "ioredis";
import { freePort } from "./free-port.js";
import { type RedisProcess, redisProcess } from "./redis-process.js";
import { uniquePrefix } from "./unique-prefix.js";
import { waitFor } from "./wait-for.js";

/** Slots of a Redis Cluster; every one must be served for `cluster_state:ok`. */
const CLUSTER_SLOTS = 16_384;

/** Options of {@link startRedisCluster}. */
export interface TestRedisClusterOptions {
  /** Master nodes, each serving an equal share of the slots, no replicas. @default 3 */
  nodes?: number;
  /** Path of the `redis-server` binary (7.0 or later, for `--cluster-port`). @default "redis-server" on PATH */
  binary?: string;
  /** How long the nodes get to agree on the cluster. @default 20000 */
  readyTimeoutMs?: number;
}

/** One master of the test cluster. */
export interface TestRedisClusterNode {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** First and last slot it serves. */
  readonly slots: readonly [number, number];
}

/** A key found on the cluster by {@link TestRedisCluster.findKeys}. */
export interface ClusterKey {
  key: string;
  /** Port of the node that holds it. */
  port: number;
  slot: number;
}

/** A Redis Cluster of `redis-server` children on 127.0.0.1, for one test file. */
export interface TestRedisCluster {
  /** `redis://127.0.0.1:PORT` of the first node: the seed for `REDIS_URL` with `REDIS_CLUSTER=1`. */
  readonly url: string;
  readonly nodes: readonly TestRedisClusterNode[];
  /** A fresh BullMQ prefix in a hash tag (`{label-…}`), so that all its keys share one slot. */
  uniquePrefix(label?: string): string;
  /** A new ioredis Cluster client on these nodes; closed by `close()` if still open. */
  connect(options?: ClusterOptions): Cluster;
  /** Every key matching a `SCAN` pattern, on whichever node holds it, with its slot. */
  findKeys(pattern: string): Promise<ClusterKey[]>;
  /** Kills every node and removes their files. */
  close(): Promise<void>;
}

/** Distinct free ports: freePort() alone may hand out one port twice, since it releases it. */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function slotRange(index: number, nodes: number): [number, number] {
  const first = Math.floor((index * CLUSTER_SLOTS) / nodes);
  const last = Math.floor(((index + 1) * CLUSTER_SLOTS) / nodes) - 1;
  return [first, last];
}

function clusterInfo(text: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const [field, value] = line.split(":");
    if (field && value !== undefined) info[field] = value.trim();
  }
  return info;
}

/**
 * Starts a Redis Cluster: `nodes` masters on free ports of 127.0.0.1, each a `redis-server`
 * child with its own cluster bus port, joined with `CLUSTER MEET` and given an equal share of
 * the 16384 slots with `CLUSTER ADDSLOTSRANGE`. Resolves once every node reports
 * `cluster_state:ok`, knows every other node and sees all slots served.
 *
 * @example
 * const cluster = await startRedisCluster();
 * const client = cluster.connect();
 * await client.set(`${cluster.uniquePrefix("demo")}:key`, "value");
 * await cluster.close();
 */
export async function startRedisCluster(
  options: TestRedisClusterOptions = {},
): Promise<TestRedisCluster> {
  const { nodes: count = 3, binary = "redis-server", readyTimeoutMs = 20_000 } = options;
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`startRedisCluster: nodes must be a whole number of at least 1 (got ${count})`);
  }
  const dir = await mkdtemp(join(tmpdir(), "sms-relay-redis-cluster-"));
  const allPorts = await distinctFreePorts(count * 2);
  const nodes: TestRedisClusterNode[] = Array.from({ length: count }, (_, index) => ({
    host: "127.0.0.1",
    port: allPorts[index]!,
    slots: slotRange(index, count),
  }));
  const busPorts = allPorts.slice(count);
  const processes: RedisProcess[] = nodes.map((node, index) =>
    redisProcess(binary, node.port, [
      "--cluster-enabled",
      "yes",
      "--cluster-port",
      String(busPorts[index]),
      "--cluster-config-file",
      join(dir, `nodes-${node.port}.conf`),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
    ]),
  );
  const admins = nodes.map(
    (node) => new Redis(node.port, node.host, { lazyConnect: true, maxRetriesPerRequest: 1 }),
  );
  for (const admin of admins) admin.on("error", () => {});
  const clients = new Set<Cluster>();

  async function close(): Promise<void> {
    for (const client of clients) client.disconnect();
    clients.clear();
    for (const admin of admins) admin.disconnect();
    await Promise.all(processes.map((process) => process.stop({ hard: true })));
    await rm(dir, { recursive: true, force: true });
  }

  try {
    await Promise.all(processes.map((process) => process.start()));
    await Promise.all(admins.map((admin) => admin.connect()));
    // Distinct epochs up front, as redis-cli does, so the nodes need not settle a collision.
    await Promise.all(
      admins.map((admin, index) => admin.call("CLUSTER", "SET-CONFIG-EPOCH", String(index + 1))),
    );
    await Promise.all(
      admins.map((admin, index) => {
        const [first, last] = nodes[index]!.slots;
        return admin.call("CLUSTER", "ADDSLOTSRANGE", String(first), String(last));
      }),
    );
    const [seed] = admins;
    for (const [index, node] of nodes.entries()) {
      if (index === 0) continue;
      await seed!.call("CLUSTER", "MEET", node.host, String(node.port), String(busPorts[index]));
    }
    await waitFor(
      async () => {
        const infos = await Promise.all(
          admins.map(async (admin) => clusterInfo(String(await admin.call("CLUSTER", "INFO")))),
        );
        return infos.every(
          (info) =>
            info.cluster_state === "ok" &&
            info.cluster_known_nodes === String(count) &&
            info.cluster_slots_ok === String(CLUSTER_SLOTS),
        );
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 50, description: `a ${count}-node Redis Cluster` },
    );
  } catch (error) {
    await close();
    throw error;
  }

  return {
    url: `redis://${nodes[0]!.host}:${nodes[0]!.port}`,
    nodes,
    uniquePrefix: (label = "t") => `{${uniquePrefix(label)}}`,
    connect(clusterOptions = {}) {
      const client = new Cluster(
        nodes.map(({ host, port }) => ({ host, port })),
        clusterOptions,
      );
      clients.add(client);
      client.once("end", () => clients.delete(client));
      return client;
    },
    async findKeys(pattern) {
      const found: ClusterKey[] = [];
      for (const [index, admin] of admins.entries()) {
        let cursor = "0";
        do {
          const [next, keys] = await admin.scan(cursor, "MATCH", pattern, "COUNT", 1000);
          cursor = next;
          for (const key of keys) {
            const slot = Number(await admin.call("CLUSTER", "KEYSLOT", key));
            found.push({ key, port: nodes[index]!.port, slot });
          }
        } while (cursor !== "0");
      }
      return found;
    },
    close,
  };
}
