import { Queue, type Telemetry } from "bullmq";
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

/** Client states in which Redis is known to be away: a call fails at once instead of waiting. */
const DOWN_STATES = new Set(["reconnecting", "close", "end"]);

/** Time limits of {@link QueueAccess}. */
export interface QueueAccessTimeouts {
  /** Connect timeout of created clients, and the longest wait for the first connection. */
  connectTimeoutMs: number;
  /** Longest one {@link QueueAccess.run} may take, waiting for the connection included. */
  operationTimeoutMs: number;
}

/**
 * One Redis client and the BullMQ queues built on it: waits (bounded) for Redis to be ready
 * before each operation, bounds each operation in time, and turns Redis failures into
 * {@link SmsProducerError}s.
 */
export class QueueAccess {
  readonly client: Redis | Cluster;
  private readonly owned: boolean;
  private readonly queues: Queue[] = [];
  private readonly connectTimeoutMs: number;
  private readonly operationTimeoutMs: number;
  private lastError: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(connection: SmsRedisConnection, timeouts: QueueAccessTimeouts) {
    this.connectTimeoutMs = timeouts.connectTimeoutMs;
    this.operationTimeoutMs = timeouts.operationTimeoutMs;
    if (isRedisInstance(connection)) {
      this.client = connection;
      this.owned = false;
    } else {
      const options: RedisOptions = {
        ...CREATED_CONNECTION_DEFAULTS,
        connectTimeout: timeouts.connectTimeoutMs,
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

  /** A BullMQ queue on this client, with `telemetry` when given; closed by {@link QueueAccess.close}. */
  queue(name: string, prefix: string, telemetry?: Telemetry): Queue {
    const queue = new Queue(name, {
      connection: this.client,
      prefix,
      ...(telemetry ? { telemetry } : {}),
    });
    queue.on("error", (error: Error) => {
      this.lastError = error;
    });
    this.queues.push(queue);
    return queue;
  }

  /**
   * Runs `operation` once every queue is ready, within `operationTimeoutMs`. Fails with
   * `SMS_QUEUE_UNAVAILABLE` when Redis is away, not ready in time, does not answer in time, or
   * the operation fails in Redis. A timed-out operation is not cancelled: its commands may still
   * be carried out once Redis answers again.
   */
  async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (this.closing) {
      throw new SmsProducerError("SMS_PRODUCER_CLOSED", `cannot ${what}: already closed`);
    }
    const work = this.runUnbounded(what, operation);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new SmsProducerError(
            "SMS_QUEUE_UNAVAILABLE",
            `could not ${what}: Redis did not answer within ${this.operationTimeoutMs} ms`,
          ),
        );
      }, this.operationTimeoutMs);
    });
    try {
      return await Promise.race([work, timedOut]);
    } finally {
      clearTimeout(timer);
      // After a timeout the late outcome has nobody to go to.
      work.catch(() => {});
    }
  }

  private async runUnbounded<T>(what: string, operation: () => Promise<T>): Promise<T> {
    this.failIfDown(what);
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

  /**
   * A client that lost Redis would queue the commands (a handed-in one may have its offline
   * queue on) or refuse them one by one; either way the caller is better told at once.
   */
  private failIfDown(what: string): void {
    const status = this.client.status;
    if (!DOWN_STATES.has(status)) return;
    const reason = this.lastError ? `: ${oneLine(this.lastError)}` : "";
    throw new SmsProducerError(
      "SMS_QUEUE_UNAVAILABLE",
      `could not ${what}: Redis is unreachable (connection ${status})${reason}`,
      { cause: this.lastError },
    );
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
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.operationTimeoutMs);
    });
    const closed = this.closeGracefully();
    try {
      const outcome = await Promise.race([closed.then(() => "closed" as const), timedOut]);
      // A Redis that does not answer would hold QUIT, and so close(), for as long as it likes.
      if (outcome === "timeout" && this.owned) this.client.disconnect();
    } finally {
      clearTimeout(timer);
      closed.catch(() => {});
    }
  }

  private async closeGracefully(): Promise<void> {
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
