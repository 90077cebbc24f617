import { Redis } from "ioredis";
import { CliError } from "./cli-error.js";

/** The URL without its password, fit for a message. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "the configured REDIS_URL";
  }
}

/**
 * Fails fast with "cannot reach Redis at …" when Redis does not answer a PING within
 * `timeoutMs`, so that no command hangs on a dead Redis.
 */
export async function ensureRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  probe.on("error", (error: Error) => {
    lastError = error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const reason = lastError?.message ?? (error as Error).message;
    throw new CliError(
      "REDIS_UNREACHABLE",
      `cannot reach Redis at ${redactRedisUrl(url)}: ${reason}`,
      {
        cause: error,
      },
    );
  } finally {
    probe.disconnect();
  }
}
