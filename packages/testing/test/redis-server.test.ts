import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startRedisServer } from "../src/index.js";

describe("startRedisServer", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("keeps data across a restart when the append-only file is on", async () => {
    const redis = await startRedisServer({ appendOnly: true });
    cleanups.push(redis.close);
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    await client.set("k", "v");
    client.disconnect();

    await redis.stop({ hard: true });
    await redis.start();

    const again = new Redis(redis.url);
    expect(await again.get("k")).toBe("v");
    again.disconnect();
  });
});
