import { hostname } from "node:os";
import { createKpnClient } from "@sms-relay/kpn-client";
import { CALLBACK_QUEUE, DEAD_LETTER_QUEUE, SMS_QUEUE, type SmsJobData } from "@sms-relay/producer";
import { createLogThrottle, isAddressInUse, settleWithin } from "@sms-relay/runtime";
import { Queue, Worker } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createAcceptedParts } from "./accepted-parts.js";
import { createBackoffStrategy } from "./backoff.js";
import {
  createDeadLetterAction,
  createDeadLetterWriter,
  type DeadLetterInput,
} from "./dead-letter.js";
import { createDeliveryReferences } from "./delivery-references.js";
import { redactWorkerConfig, type WorkerConfig } from "./env.js";
import { createFailedJobHandler } from "./failed-job-handler.js";
import { createHealthServer } from "./health-server.js";
import { createLogger } from "./logger.js";
import { createWorkerMetrics } from "./metrics.js";
import type { ProcessorState, SmsSender } from "./processor-types.js";
import { createProgressWriter } from "./progress-writer.js";
import { createQueueStats, QUEUE_STATS_INTERVAL_MS, UNBOUNDED_LIMITER_MAX } from "./queue-stats.js";
import { createRateLimiter } from "./rate-limiter.js";
import { createReadiness } from "./readiness.js";
import { createRedisConnection } from "./redis-connection.js";
import { createSmsProcessor } from "./sms-processor.js";
import {
  callbackDelayMs,
  createCallbackProcessor,
  createStatusCallbacks,
} from "./status-callbacks.js";
import { createWorkerTracing } from "./tracing.js";

/** The KPN client as the worker uses it: send, and the count of token requests for metrics. */
export interface WorkerKpnClient extends SmsSender {
  readonly tokenRequests: number;
  close(): Promise<void>;
}

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  config: WorkerConfig;
  /** @default pino JSON on stdout at `config.logLevel` */
  logger?: Logger;
  /** A KPN client to send through; the worker does not close one it did not create. @default a client built from `config` */
  kpnClient?: WorkerKpnClient;
  /** Registry for the metrics. @default a new one, with the default Node metrics */
  registry?: Registry;
  /** Interface the health server binds. @default all interfaces */
  healthHost?: string;
  /**
   * Time between two reads of the queue gauges from Redis (`sms_queue_jobs` and the others).
   * @default {@link QUEUE_STATS_INTERVAL_MS} (5 s)
   */
  queueStatsIntervalMs?: number;
}

/** A started worker. */
export interface RunningWorker {
  /**
   * Stops taking jobs, lets jobs in flight finish within `config.shutdownGraceMs`, then closes the
   * KPN client, the health server and Redis. Jobs still running after the grace time are left to
   * BullMQ's stalled-job recovery. Safe to call more than once.
   */
  close(): Promise<void>;
  /** Base URL of the health server, e.g. `http://127.0.0.1:9464`. */
  readonly healthUrl: string;
  /** The BullMQ worker. */
  readonly worker: Worker;
}

/** The longest wait for each step of closing after the jobs: a Redis that is gone never answers. */
const CLOSE_STEP_MS = 1000;

/**
 * Starts the SMS worker in this process: Redis, the BullMQ worker, the health server. It installs
 * no signal handlers and never exits the process; `main.ts` does that.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const readiness = createReadiness();
  const connection: Redis | Cluster = createRedisConnection({
    url: config.redisUrl,
    cluster: config.redisCluster,
  });
  // A Redis at maxmemory or gone makes every command fail, thousands a second: one line per
  // kind of error every few seconds, with the count of those left out.
  const throttle = createLogThrottle({ intervalMs: 5000 });
  const logThrottled = (
    kind: string,
    level: "warn" | "error",
    error: Error,
    message: string,
  ): void =>
    throttle(`${kind}:${error.message}`, (suppressed) => {
      logger[level](
        {
          err: { message: error.message, name: error.name },
          ...(suppressed ? { suppressed } : {}),
        },
        message,
      );
    });
  connection.on("error", (error: Error) => {
    logThrottled("redis", "warn", error, "redis connection error");
  });
  connection.on("ready", () => readiness.setRedisConnected(true));
  connection.on("close", () => readiness.setRedisConnected(false));
  connection.on("end", () => readiness.setRedisConnected(false));
  if (connection.status === "ready") readiness.setRedisConnected(true);

  const ownsKpnClient = options.kpnClient === undefined;
  const kpnClient: WorkerKpnClient =
    options.kpnClient ??
    createKpnClient({
      baseUrl: config.kpnBaseUrl,
      clientId: config.kpnClientId,
      clientSecret: config.kpnClientSecret,
      sendPath: config.kpnSendPath,
      timeoutMs: config.kpnTimeoutMs,
      connections: requestConnections(config.concurrency, config.batchSize),
    });

  const metrics = createWorkerMetrics({
    registry: options.registry,
    readTokenRequests: () => kpnClient.tokenRequests,
    readiness,
  });
  const queueOptions = { connection, prefix: config.queuePrefix };
  const smsQueue = new Queue(SMS_QUEUE, queueOptions);
  const deadLetterQueue = new Queue(DEAD_LETTER_QUEUE, queueOptions);
  for (const queue of [smsQueue, deadLetterQueue]) {
    queue.on("error", (error) => logThrottled("queue", "warn", error, "queue error"));
  }
  // Status callbacks: their own queue and worker, never on the send path.
  const callbackQueue = config.callbackSecret ? new Queue(CALLBACK_QUEUE, queueOptions) : undefined;
  callbackQueue?.on("error", (error) => logThrottled("queue", "warn", error, "queue error"));
  const statusCallbacks = callbackQueue
    ? createStatusCallbacks({
        queue: callbackQueue,
        logger,
        keepSeconds: config.keepCompletedSeconds,
      })
    : undefined;
  if (config.concurrency < config.batchSize) {
    logger.warn(
      { concurrency: config.concurrency, batchSize: config.batchSize },
      "WORKER_CONCURRENCY is below SMS_BATCH_SIZE: no request can carry a full batch",
    );
  }
  if (!config.callbackSecret) {
    logger.warn("SMS_CALLBACK_SECRET is not set: SMS with a callbackUrl get no status callbacks");
  }
  const deadLetter = createDeadLetterAction({
    write: createDeadLetterWriter(deadLetterQueue),
    logger,
    metrics,
    ...(statusCallbacks
      ? {
          onAdded: async (input: DeadLetterInput) => {
            const message = input.message as Partial<SmsJobData>;
            if (typeof message.callbackUrl !== "string" || typeof message.to !== "string") return;
            await statusCallbacks.enqueue(message.callbackUrl, {
              id: input.jobId,
              event: "dead",
              state: "dead",
              deadReason: input.reason,
              delivery: { state: "unknown" },
              documentIds: input.documentIds,
              to: message.to,
              at: new Date().toISOString(),
            });
          },
        }
      : {}),
  });
  const acceptedParts = createAcceptedParts();
  const deliveryReferences = config.dlrUrl
    ? createDeliveryReferences({
        redis: connection,
        prefix: config.queuePrefix,
        baseUrl: config.dlrUrl,
        ttlSeconds: config.keepCompletedSeconds,
      })
    : undefined;
  const rateLimiter = createRateLimiter({
    redis: connection,
    key: `${config.queuePrefix}:${SMS_QUEUE}:send-window`,
    limit: config.rateLimitPerSecond,
    // Longer than any send can take: a token refresh and a resend, each up to the timeout.
    maxHoldMs: 3 * config.kpnTimeoutMs + 5000,
  });
  const shutdown = new AbortController();
  const state: ProcessorState = { configFailures: 0 };
  // Traces: a span per job (BullMQ's, continuing the producer's) and per KPN request.
  const tracing = config.otelExporterEndpoint ? createWorkerTracing() : undefined;

  const processor = createSmsProcessor(
    {
      config,
      kpn: kpnClient,
      deadLetter,
      pauseQueue: (ms) => smsQueue.rateLimit(ms),
      logger,
      rateLimiter,
      metrics,
      readiness,
      state,
      acceptedParts,
      // The document ids of the SMS of one request go to Redis in one script call.
      progressWriter: createProgressWriter({ redis: connection, prefix: config.queuePrefix }),
      ...(deliveryReferences ? { deliveryReferences } : {}),
      ...(statusCallbacks ? { statusCallbacks } : {}),
      ...(tracing ? { tracer: tracing.tracer } : {}),
      signal: shutdown.signal,
    },
    { batchSize: config.batchSize, batchWaitMs: config.batchWaitMs },
  );

  const worker = new Worker(SMS_QUEUE, processor, {
    connection,
    prefix: config.queuePrefix,
    name: `${hostname()}-${process.pid}`,
    autorun: false,
    concurrency: config.concurrency,
    ...(tracing ? { telemetry: tracing.telemetry } : {}),
    removeOnComplete: { age: config.keepCompletedSeconds },
    removeOnFail: { age: config.keepCompletedSeconds },
    // BullMQ only honours a manual queue rate limit (the pause after a 429) when the worker has
    // a limiter; this one is never reached. The real limit is the sliding window in rate-limiter.ts.
    limiter: { max: UNBOUNDED_LIMITER_MAX, duration: 1000 },
    settings: {
      backoffStrategy: createBackoffStrategy({
        baseMs: config.backoffMs,
        maxMs: config.backoffMaxMs,
      }),
    },
  });
  worker.on("error", (error) => logThrottled("worker", "error", error, "worker error"));
  worker.on("failed", createFailedJobHandler({ deadLetter, logger }));
  worker.on("completed", (job) => {
    if (job.id !== undefined && acceptedParts.size > 0) acceptedParts.forget(job.id);
  });
  worker.on("closing", () => readiness.setWorkerRunning(false));
  const callbackWorker = config.callbackSecret
    ? new Worker(
        CALLBACK_QUEUE,
        createCallbackProcessor({ secret: config.callbackSecret, logger, metrics }),
        {
          connection,
          prefix: config.queuePrefix,
          name: `${hostname()}-${process.pid}-callbacks`,
          concurrency: 10,
          settings: {
            backoffStrategy: (attemptsMade: number) =>
              callbackDelayMs(attemptsMade, config.callbackBackoffMs),
          },
        },
      )
    : undefined;
  callbackWorker?.on("error", (error) =>
    logThrottled("callbacks", "error", error, "callback worker error"),
  );

  const queueStats = createQueueStats({
    queue: smsQueue,
    deadLetterQueue,
    metrics,
    intervalMs: options.queueStatsIntervalMs ?? QUEUE_STATS_INTERVAL_MS,
    onError: (error) =>
      logThrottled("queue-stats", "warn", error, "could not read queue statistics"),
  });

  const health = createHealthServer({ registry: metrics.registry, readiness: readiness.report });
  let listening: { url: string; port: number };
  try {
    listening = await health.listen(config.healthPort, options.healthHost);
  } catch (error) {
    // Nothing runs yet: undo what was built so that a caller in the same process leaks nothing.
    await worker.close().catch(() => {});
    await Promise.allSettled([smsQueue.close(), deadLetterQueue.close()]);
    if (ownsKpnClient) await kpnClient.close().catch(() => {});
    connection.disconnect();
    const reason = isAddressInUse(error)
      ? "the port is taken (is another worker or `pnpm start` running? stop it, or set HEALTH_PORT to another port, or 0 for any free one)"
      : String(error);
    throw new Error(`could not listen on HEALTH_PORT ${config.healthPort}: ${reason}`, {
      cause: error,
    });
  }
  logger.info({ port: listening.port, url: listening.url }, "health server listening");

  const running = worker.run().catch((error: unknown) => {
    readiness.setWorkerRunning(false);
    logger.error({ err: { message: String(error) } }, "worker stopped with an error");
  });
  await worker.waitUntilReady();
  readiness.setRedisConnected(true);
  readiness.setWorkerRunning(true);
  queueStats.start();
  logger.info(
    { config: redactWorkerConfig(config), queue: SMS_QUEUE, prefix: config.queuePrefix },
    "sms worker started",
  );

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    readiness.setShuttingDown();
    // Jobs still waiting for the rate limiter have sent nothing: they go straight back to the queue.
    shutdown.abort();
    const started = Date.now();
    logger.info({ graceMs: config.shutdownGraceMs }, "shutting down: finishing jobs in flight");
    const outcome = await settleWithin(
      Promise.all([worker.close(), callbackWorker?.close()]),
      config.shutdownGraceMs,
    );
    if (outcome === "timeout") {
      const inFlight = processor.jobsInFlight;
      logger.warn(
        { graceMs: config.shutdownGraceMs, jobsInFlight: inFlight },
        inFlight > 0
          ? "jobs still in flight after the grace time: leaving them to stalled-job recovery"
          : "the worker did not close within the grace time (is Redis reachable?): disconnecting",
      );
    } else {
      await settleWithin(running, CLOSE_STEP_MS);
    }
    if (ownsKpnClient) {
      // Closing the client waits for requests in flight; after the grace time, don't wait.
      const closed = kpnClient.close().catch(() => {});
      if (outcome === "done") await settleWithin(closed, CLOSE_STEP_MS);
    }
    await settleWithin(Promise.all([health.close(), queueStats.stop()]), CLOSE_STEP_MS);
    // With Redis gone, closing queues and quitting would wait for it forever: each step is bounded.
    await settleWithin(
      Promise.allSettled([smsQueue.close(), deadLetterQueue.close(), callbackQueue?.close()]),
      CLOSE_STEP_MS,
    );
    if (outcome === "timeout" || connection.status !== "ready") {
      await settleWithin(
        worker.disconnect().catch(() => {}),
        CLOSE_STEP_MS,
      );
      connection.disconnect();
    } else if (
      (await settleWithin(
        connection.quit().catch(() => {}),
        CLOSE_STEP_MS,
      )) === "timeout"
    ) {
      connection.disconnect();
    }
    logger.info({ durationMs: Date.now() - started }, "sms worker stopped");
  }

  return {
    close() {
      closing ??= close();
      return closing;
    },
    healthUrl: listening.url,
    worker,
  };
}

/**
 * Connections to the API: as many as requests can be in flight (the jobs in flight over the
 * batch size, twice that for the halves of refused requests), never more than jobs in flight.
 */
function requestConnections(concurrency: number, batchSize: number): number {
  return Math.min(concurrency, Math.max(4, 2 * Math.ceil(concurrency / batchSize)));
}
