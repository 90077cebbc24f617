import { pingRedis, redactUrl } from "@sms-relay/runtime";
import { CliError } from "./cli-error.js";

/** The URL without its password, fit for a message. */
export const redactRedisUrl = redactUrl;

/**
 * Fails fast with "cannot reach Redis at …" when Redis does not answer a PING within
 * `timeoutMs`, so that no command hangs on a dead Redis.
 */
export async function ensureRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const reason = await pingRedis(url, timeoutMs);
  if (reason !== undefined) {
    throw new CliError("REDIS_UNREACHABLE", `cannot reach Redis at ${redactUrl(url)}: ${reason}`);
  }
}
