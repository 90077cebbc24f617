import { Queue } from "bullmq";
import { type Cluster, Redis, type RedisOptions } from "ioredis";
import { SmsProducerError } from "./errors.js";

/**
 * Where Redis is: a URL (`redis://…`, `rediss://…`), ioredis options, or an ioredis `Redis` or
 * `Cluster` instance. Instances are used as they are and never closed by this package.
 */
export type SmsRedisConnection = string | RedisOptions | Redis | Cluster;

/**
 * Settings for connections this package creates: producers fail fast instead of queueing
 * commands in memory while Redis is away, so a caller learns at once that a send did not land.
 */
const CREATED_CONNECTION_DEFAULTS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
} as const satisfies RedisOptions;

function isRedisInstance(value: unknown): value is Redis | Cluster {
  // Duck-typed: `instanceof` fails when the app and this package load different ioredis copies.
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.connect === "function" && typeof candidate.duplicate === "function";
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").trim();
}

/**
 * One Redis client and the BullMQ queues built on it: waits (bounded) for Redis to be ready
 * before each operation and turns Redis failures into {@link SmsProducerError}s.
 */
export class QueueAccess {
  readonly client: Redis | Cluster;
  private readonly owned: boolean;
  private readonly queues: Queue[] = [];
  private readonly connectTimeoutMs: number;
  private lastError: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(connection: SmsRedisConnection, connectTimeoutMs: number) {
    this.connectTimeoutMs = connectTimeoutMs;
    if (isRedisInstance(connection)) {
      this.client = connection;
      this.owned = false;
    } else {
      const options: RedisOptions = {
        ...CREATED_CONNECTION_DEFAULTS,
        connectTimeout: connectTimeoutMs,
        ...(typeof connection === "string" ? {} : connection),
      };
      this.client =
        typeof connection === "string" ? new Redis(connection, options) : new Redis(options);
      this.owned = true;
      // Without a listener ioredis prints every reconnect failure; the error reaches callers instead.
      this.client.on("error", (error: Error) => {
        this.lastError = error;
      });
    }
  }

  /** A BullMQ queue on this client; closed by {@link QueueAccess.close}. */
  queue(name: string, prefix: string): Queue {
    const queue = new Queue(name, { connection: this.client, prefix });
    queue.on("error", (error: Error) => {
      this.lastError = error;
    });
    this.queues.push(queue);
    return queue;
  }

  /**
   * Runs `operation` once every queue is ready. Fails with `SMS_QUEUE_UNAVAILABLE` when Redis is
   * not ready within `connectTimeoutMs` or the operation fails in Redis.
   */
  async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (this.closing) {
      throw new SmsProducerError("SMS_PRODUCER_CLOSED", `cannot ${what}: already closed`);
    }
    await this.ready(what);
    try {
      return await operation();
    } catch (error) {
      if (error instanceof SmsProducerError) throw error;
      throw new SmsProducerError(
        "SMS_QUEUE_UNAVAILABLE",
        `could not ${what}: Redis failed: ${oneLine(error)}`,
        { cause: error },
      );
    }
  }

  private async ready(what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.connectTimeoutMs);
    });
    try {
      const ready = Promise.all(this.queues.map((queue) => queue.waitUntilReady()));
      const outcome = await Promise.race([ready.then(() => "ready" as const), timedOut]);
      if (outcome === "timeout") {
        ready.catch(() => {});
        const reason = this.lastError ? `: ${oneLine(this.lastError)}` : "";
        throw new SmsProducerError(
          "SMS_QUEUE_UNAVAILABLE",
          `could not ${what}: Redis not ready within ${this.connectTimeoutMs} ms${reason}`,
          { cause: this.lastError },
        );
      }
    } catch (error) {
      if (error instanceof SmsProducerError) throw error;
      throw new SmsProducerError(
        "SMS_QUEUE_UNAVAILABLE",
        `could not ${what}: Redis connection failed: ${oneLine(error)}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the queues, and the client when this package created it. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    const owned = this.owned;
    // A created client that never connected would make queue.close() wait for it forever.
    if (owned && this.client.status !== "ready") this.client.disconnect();
    await Promise.allSettled(this.queues.map((queue) => queue.close()));
    if (!owned) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
