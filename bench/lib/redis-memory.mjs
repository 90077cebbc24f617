/**
 * Redis's `used_memory` (bytes the allocator holds for data and bookkeeping), after asking the
 * server to free what lazy deletes left behind, so that two readings compare.
 * @param {import("ioredis").Redis} redis
 * @returns {Promise<number>}
 */
export async function redisUsedMemory(redis) {
  await redis.call("MEMORY", "PURGE").catch(() => {});
  const info = await redis.info("memory");
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error("INFO memory has no used_memory");
  return Number(match[1]);
}
