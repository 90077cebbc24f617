import type { Logger } from "pino";

/** Options of {@link createAuthThrottle}. */
export interface AuthThrottleOptions {
  /** Failed logins of one client within `windowMs` before it is refused. @default 10 */
  maxFailures?: number;
  /** The window in which failures count, and how long a refused client waits. @default 60000 */
  windowMs?: number;
  /** Clients tracked at once; the oldest are forgotten first. @default 10000 */
  maxClients?: number;
  /** Warning lines per `windowMs` about refused clients, for all clients together. @default 20 */
  maxLogLines?: number;
  /** Where refused clients are reported (their address and count, never what they tried). */
  logger?: Logger;
  /** The clock, in milliseconds. @default Date.now */
  now?: () => number;
}

const DEFAULTS = {
  maxFailures: 10,
  windowMs: 60_000,
  maxClients: 10_000,
  maxLogLines: 20,
} satisfies Partial<AuthThrottleOptions>;

interface Client {
  /** When the first failure of the current window happened. */
  since: number;
  failures: number;
  /** Refused until then, once `failures` reached the limit. */
  blockedUntil: number;
}

/** Counts failed logins per client and says how long a client must wait. */
export interface AuthThrottle {
  /** Seconds the client must still wait, or 0 when it may try. */
  retryAfterSeconds(client: string): number;
  /** Records a failed login of `client`. */
  failed(client: string): void;
  /** Forgets the failures of a client that logged in. */
  succeeded(client: string): void;
}

/**
 * Throttles guessing of the dashboard password: after `maxFailures` failed logins within
 * `windowMs`, a client is refused for `windowMs`, whatever it sends. Each refused client is
 * logged once per refusal, and all of them together at most `maxLogLines` times per window, so
 * that an attack from many addresses cannot flood the log.
 */
export function createAuthThrottle(options: AuthThrottleOptions = {}): AuthThrottle {
  const { maxFailures, windowMs, maxClients, maxLogLines } = { ...DEFAULTS, ...options };
  const now = options.now ?? Date.now;
  const logger = options.logger;
  const clients = new Map<string, Client>();
  let logWindowStart = 0;
  let logLines = 0;
  let unlogged = 0;

  function report(client: string, failures: number): void {
    const at = now();
    if (at - logWindowStart >= windowMs) {
      logWindowStart = at;
      logLines = 0;
    }
    if (logLines >= maxLogLines) {
      unlogged += 1;
      return;
    }
    logLines += 1;
    logger?.warn(
      {
        client,
        failures,
        retryAfterSeconds: Math.ceil(windowMs / 1000),
        ...(unlogged > 0 ? { otherClientsRefused: unlogged } : {}),
      },
      "dashboard login refused for a while: too many wrong passwords from one client",
    );
    unlogged = 0;
  }

  return {
    retryAfterSeconds(client) {
      const entry = clients.get(client);
      if (!entry) return 0;
      const left = entry.blockedUntil - now();
      if (left > 0) return Math.ceil(left / 1000);
      if (entry.blockedUntil > 0) clients.delete(client);
      return 0;
    },
    failed(client) {
      const at = now();
      let entry = clients.get(client);
      if (!entry || at - entry.since >= windowMs) {
        clients.delete(client);
        entry = { since: at, failures: 0, blockedUntil: 0 };
      }
      // Re-inserted, so the Map's order is oldest activity first.
      clients.delete(client);
      clients.set(client, entry);
      entry.failures += 1;
      if (entry.failures >= maxFailures && entry.blockedUntil <= at) {
        entry.blockedUntil = at + windowMs;
        report(client, entry.failures);
      }
      while (clients.size > maxClients) {
        const oldest = clients.keys().next().value;
        if (oldest === undefined) break;
        clients.delete(oldest);
      }
    },
    succeeded(client) {
      clients.delete(client);
    },
  };
}
