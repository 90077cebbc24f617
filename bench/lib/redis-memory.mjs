/**
 * Bytes the keys of a Redis database take: the sum of `MEMORY USAGE key SAMPLES 0` (every
 * field and element counted, not sampled) over every key. Unlike `used_memory` it leaves out
 * the allocator's fragmentation and Redis's own buffers, which move by a few kilobytes between
 * two readings of the same data, so two drains of the same SMS compare to the byte.
 * @param {import("ioredis").Redis} redis
 * @param {{ skip?: RegExp }} [options] keys to leave out
 * @returns {Promise<number>}
 */
export async function redisKeyBytes(redis, options = {}) {
  let total = 0;
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    const keys = options.skip ? found.filter((key) => !options.skip?.test(key)) : found;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.call("MEMORY", "USAGE", key, "SAMPLES", "0");
    const answers = (await pipeline.exec()) ?? [];
    for (const [error, bytes] of answers) {
      if (error) throw error;
      // A key that expired or was removed between SCAN and MEMORY USAGE answers null.
      total += Number(bytes ?? 0);
    }
  } while (cursor !== "0");
  return total;
}
