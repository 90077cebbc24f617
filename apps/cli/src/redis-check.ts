import { pingRedis, redactUrl } from "@sms-relay/runtime";
import { CliError } from "./cli-error.js";

/** The URL without its password, fit for a message. */
export const redactRedisUrl = redactUrl;

/** Redis refused the login: the URL's user or password is wrong, or it gave none. */
const AUTH_FAILURE = /^(WRONGPASS|NOAUTH|ERR AUTH|ERR invalid password)/i;

/**
 * Fails fast with "cannot reach Redis at URL: CAUSE" when Redis does not answer a PING within
 * `timeoutMs`, so that no command hangs on a dead Redis. CAUSE is what the connection failed
 * with (`connect ECONNREFUSED 127.0.0.1:6379`, `getaddrinfo ENOTFOUND redis.example`,
 * `no answer within 3000 ms`, `WRONGPASS …`); the URL's password is never shown.
 */
export async function ensureRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const reason = await pingRedis(url, timeoutMs);
  if (reason === undefined) return;
  const auth = AUTH_FAILURE.test(reason);
  const hint = auth ? " (check the user and password in REDIS_URL)" : "";
  throw new CliError(
    auth ? "REDIS_AUTH" : "REDIS_UNREACHABLE",
    `cannot reach Redis at ${redactUrl(url)}: ${reason.replace(/\.$/, "")}${hint}`,
  );
}
