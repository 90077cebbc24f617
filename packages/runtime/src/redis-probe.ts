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

/** What ioredis rejects `connect()` with once it gives up, whatever the cause was. */
const CONNECTION_CLOSED = /^Connection is closed\.?$/;
/** What ioredis says when one command (a handshake command, PING) outlasts `commandTimeout`. */
const COMMAND_TIMED_OUT = /^Command timed out\.?$/;

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? "").trim() || "no answer";
}

/** `text` with the URL's password (if any) replaced by `****`, should a message ever quote it. */
function withoutPassword(text: string, url: string): string {
  let password = "";
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return text;
  }
  return password === "" ? text : text.split(password).join("****");
}

/**
 * PINGs the Redis at `url` once. Resolves to `undefined` when it answered within `timeoutMs`, else
 * to one line saying what went wrong: the first error of the connection (`connect ECONNREFUSED
 * 127.0.0.1:6379`, `getaddrinfo ENOTFOUND redis.example`, `WRONGPASS …`, `NOAUTH …`), or
 * `no answer within N ms`. Never the URL's password.
 *
 * ioredis reports the cause as an `error` event and then rejects `connect()` with a bare
 * "Connection is closed.", so the cause is taken from the event. The whole probe, handshake
 * included, is bounded by `timeoutMs`: ioredis bounds each of its handshake commands alone.
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
  // Later errors of the same attempt follow from the first (a refused login, then NOAUTH).
  let cause: string | undefined;
  probe.on("error", (error: unknown) => {
    cause ??= firstLine(error);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      const detail = cause && !COMMAND_TIMED_OUT.test(cause) ? ` (${cause})` : "";
      resolve(`no answer within ${timeoutMs} ms${detail}`);
    }, timeoutMs);
  });
  const answered = (async (): Promise<string | undefined> => {
    try {
      await probe.connect();
      const answer = await probe.ping();
      return answer === "PONG" ? undefined : `unexpected answer to PING: ${answer}`;
    } catch (error) {
      const thrown = firstLine(error);
      const reason = cause !== undefined && CONNECTION_CLOSED.test(thrown) ? cause : thrown;
      return COMMAND_TIMED_OUT.test(reason) ? `no answer within ${timeoutMs} ms` : reason;
    }
  })();
  try {
    const reason = await Promise.race([answered, timedOut]);
    return reason === undefined ? undefined : withoutPassword(reason, url);
  } finally {
    clearTimeout(timer);
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
