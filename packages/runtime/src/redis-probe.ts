import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { Redis } from "ioredis";

/**
 * True when a Redis at `url` answers PING within `timeoutMs`; never throws, never retries.
 * @param timeoutMs @default 500
 */
export async function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  return (await pingRedis(url, timeoutMs)) === undefined;
}

/**
 * PINGs the Redis at `url` once. Resolves to `undefined` when it answered within `timeoutMs`, else
 * to the first line of what went wrong (never the URL, which may hold a password).
 * @param timeoutMs @default 3000
 */
export async function pingRedis(url: string, timeoutMs = 3000): Promise<string | undefined> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    const answer = await probe.ping();
    return answer === "PONG" ? undefined : `unexpected answer to PING: ${answer}`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.split("\n")[0] ?? "no answer";
  } finally {
    probe.disconnect();
  }
}

/** The full path of an executable `binary` on `path` (a `PATH` value), or undefined. */
export function findOnPath(binary: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
