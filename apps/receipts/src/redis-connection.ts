import { Cluster, Redis, type RedisOptions } from "ioredis";

/** Options of {@link createReceiptsRedis}. */
export interface ReceiptsRedisOptions {
  /** `redis://` or `rediss://` URL; the seed node when `cluster` is on. */
  url: string;
  /** Connect to a Redis Cluster. @default false */
  cluster?: boolean;
  /** Longest one command may take before the request is answered 503. @default 5000 */
  commandTimeoutMs?: number;
}

/**
 * The receipts app's Redis connection. It fails fast instead of queueing commands while Redis
 * is away (`enableOfflineQueue: false`): KPN then gets a 503 at once and retries later, which is
 * better than holding its request open.
 */
export function createReceiptsRedis(options: ReceiptsRedisOptions): Redis | Cluster {
  const settings: RedisOptions = {
    connectionName: "sms-relay-receipts",
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 5000,
  };
  if (!options.cluster) return new Redis(options.url, settings);
  const url = new URL(options.url);
  if (url.username) settings.username = decodeURIComponent(url.username);
  if (url.password) settings.password = decodeURIComponent(url.password);
  if (url.protocol === "rediss:") settings.tls = {};
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
    redisOptions: settings,
    enableOfflineQueue: false,
  });
}
