import { Cluster, Redis, type RedisOptions } from "ioredis";

/** Options of {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` URL; the seed node when `cluster` is on. */
  url: string;
  /** Connect to a Redis Cluster. @default false */
  cluster?: boolean;
  /** Name shown by `CLIENT LIST`. @default "sms-relay-worker" */
  connectionName?: string;
}

/**
 * The worker's Redis connection. Commands wait through reconnects instead of failing after a
 * few retries (`maxRetriesPerRequest: null`), as BullMQ workers require.
 */
export function createRedisConnection(options: RedisConnectionOptions): Redis | Cluster {
  const connectionName = options.connectionName ?? "sms-relay-worker";
  if (!options.cluster) {
    return new Redis(options.url, {
      maxRetriesPerRequest: null,
      connectionName,
    });
  }
  const url = new URL(options.url);
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: null,
    connectionName,
  };
  if (url.username) redisOptions.username = decodeURIComponent(url.username);
  if (url.password) redisOptions.password = decodeURIComponent(url.password);
  if (url.protocol === "rediss:") redisOptions.tls = {};
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
    redisOptions,
  });
}
