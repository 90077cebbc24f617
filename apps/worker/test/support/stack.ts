import type { SandboxDeliveryReports, SandboxFaults } from "@sms-relay/kpn-sandbox";
import {
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  SMS_QUEUE,
  SmsProducer,
} from "@sms-relay/producer";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import type { Logger } from "pino";
import { afterAll, afterEach, beforeAll } from "vitest";
import { parseWorkerEnv, type WorkerConfig } from "../../src/env.js";
import { type RunningWorker, startWorker } from "../../src/start-worker.js";
import { captureLogs, type LogCapture } from "./log-capture.js";
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  type SandboxWithClient,
  startSandbox,
} from "./sandbox.js";

/** A sandbox, a worker started in-process, a producer and queue handles on one prefix. */
export interface Stack {
  api: SandboxWithClient;
  config: WorkerConfig;
  worker: RunningWorker;
  producer: SmsProducer;
  sms: Queue;
  deadLetters: Queue<DeadLetterJobData>;
  logs: LogCapture;
  /** Closes everything but Redis; safe to call twice. */
  close(): Promise<void>;
}

export interface StackOptions {
  redis: TestRedis;
  label: string;
  env?: Record<string, string>;
  sandboxMaxContentLength?: number;
  faults?: SandboxFaults;
  deliveryReports?: SandboxDeliveryReports;
  logger?: Logger;
  /** Time between two reads of the queue gauges. @default the worker's own */
  queueStatsIntervalMs?: number;
}

/**
 * The worker configuration of in-process test stacks: the sandbox's credentials, a demo
 * account's content limit, short backoff so that retries happen within the test; `env` wins.
 */
export function testWorkerConfig(options: {
  redisUrl: string;
  prefix: string;
  kpnBaseUrl: string;
  cluster?: boolean;
  env?: Record<string, string>;
}): WorkerConfig {
  return parseWorkerEnv({
    REDIS_URL: options.redisUrl,
    ...(options.cluster ? { REDIS_CLUSTER: "1" } : {}),
    SMS_QUEUE_PREFIX: options.prefix,
    KPN_BASE_URL: options.kpnBaseUrl,
    KPN_CLIENT_ID: SANDBOX_CLIENT_ID,
    KPN_CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
    KPN_MAX_CONTENT_LENGTH: "160",
    KPN_TIMEOUT_MS: "3000",
    HEALTH_PORT: "0",
    SMS_BACKOFF_MS: "20",
    SMS_BACKOFF_MAX_MS: "200",
    SHUTDOWN_GRACE_MS: "10000",
    WORKER_CONCURRENCY: "20",
    // One SMS per request unless a test turns batching on: most tests follow single sends
    // request by request at the sandbox. The batched tests set their own.
    SMS_BATCH_SIZE: "1",
    LOG_LEVEL: "info",
    ...options.env,
  });
}

/**
 * Starts the worker as the root stack does (in-process, `startWorker`), against the sandbox,
 * with short backoff so that retries happen within the test.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const api = await startSandbox({
    maxContentLength: options.sandboxMaxContentLength ?? 160,
    faults: options.faults ?? {},
    ...(options.deliveryReports ? { deliveryReports: options.deliveryReports } : {}),
  });
  const prefix = options.redis.uniquePrefix(options.label);
  const config = testWorkerConfig({
    redisUrl: options.redis.url,
    prefix,
    kpnBaseUrl: api.url,
    ...(options.env ? { env: options.env } : {}),
  });
  const logs = captureLogs(config.logLevel);
  const worker = await startWorker({
    config,
    logger: options.logger ?? logs.logger,
    healthHost: "127.0.0.1",
    ...(options.queueStatsIntervalMs === undefined
      ? {}
      : { queueStatsIntervalMs: options.queueStatsIntervalMs }),
  });
  const producer = new SmsProducer({
    connection: options.redis.url,
    prefix,
    maxContentLength: config.kpnMaxContentLength,
    defaultSender: "RelayTest",
  });
  const queueOptions = { connection: { url: options.redis.url }, prefix };
  const sms = new Queue(SMS_QUEUE, queueOptions);
  const deadLetters = new Queue<DeadLetterJobData>(DEAD_LETTER_QUEUE, queueOptions);
  let closed: Promise<void> | undefined;
  return {
    api,
    config,
    worker,
    producer,
    sms,
    deadLetters,
    logs,
    close() {
      closed ??= (async () => {
        await worker.close();
        await producer.close();
        await sms.close();
        await deadLetters.close();
        await api.close();
      })();
      return closed;
    },
  };
}

/** A test file's Redis and a way to start stacks on it; see {@link useWorkerStack}. */
export interface WorkerStack {
  /** The file's Redis; there from `beforeAll` on. */
  readonly redis: TestRedis;
  /** Starts a stack on the file's Redis; it is closed when the test ends. */
  start(options: Omit<StackOptions, "redis">): Promise<Stack>;
}

/**
 * Registers the hooks an end-to-end worker test file needs: one Redis for the whole file, and
 * closing the stack a test started when that test ends, so the next one starts clean.
 */
export function useWorkerStack(): WorkerStack {
  let redis: TestRedis | undefined;
  let current: Stack | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterEach(async () => {
    await current?.close();
    current = undefined;
  });

  afterAll(async () => {
    await redis?.close();
  });

  return {
    get redis(): TestRedis {
      if (!redis) throw new Error("useWorkerStack: Redis is started in beforeAll, not before");
      return redis;
    },
    async start(options) {
      await current?.close();
      current = await startStack({ ...options, redis: this.redis });
      return current;
    },
  };
}
