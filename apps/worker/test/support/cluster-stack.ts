import type { SandboxFaults } from "@sms-relay/kpn-sandbox";
import {
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  SMS_QUEUE,
  SmsProducer,
} from "@sms-relay/producer";
import type { TestRedisCluster } from "@sms-relay/testing";
import { Queue } from "bullmq";
import type { Cluster } from "ioredis";
import type { WorkerConfig } from "../../src/env.js";
import { type RunningWorker, startWorker } from "../../src/start-worker.js";
import { captureLogs, type LogCapture } from "./log-capture.js";
import { type SandboxWithClient, startSandbox } from "./sandbox.js";
import { testWorkerConfig } from "./stack.js";

/** A sandbox, a worker on the cluster (`REDIS_CLUSTER=1`), and a producer and queues on one prefix. */
export interface ClusterStack {
  api: SandboxWithClient;
  config: WorkerConfig;
  worker: RunningWorker;
  producer: SmsProducer;
  /** The Cluster client of the producer and the queue handles. */
  client: Cluster;
  sms: Queue;
  deadLetters: Queue<DeadLetterJobData>;
  logs: LogCapture;
  /** Closes everything but the cluster; safe to call twice. */
  close(): Promise<void>;
}

export interface ClusterStackOptions {
  cluster: TestRedisCluster;
  /** `SMS_QUEUE_PREFIX`; must hold a hash tag. */
  prefix: string;
  env?: Record<string, string>;
  faults?: SandboxFaults;
}

/**
 * Starts the worker in-process as `main.ts` would with `REDIS_CLUSTER=1` and the cluster's seed
 * node as `REDIS_URL`, against the sandbox, with short backoff so that retries happen in the test.
 */
export async function startClusterStack(options: ClusterStackOptions): Promise<ClusterStack> {
  const api = await startSandbox({ maxContentLength: 160, faults: options.faults ?? {} });
  const config = testWorkerConfig({
    redisUrl: options.cluster.url,
    cluster: true,
    prefix: options.prefix,
    kpnBaseUrl: api.url,
    ...(options.env ? { env: options.env } : {}),
  });
  const logs = captureLogs(config.logLevel);
  const worker = await startWorker({ config, logger: logs.logger, healthHost: "127.0.0.1" });
  const client = options.cluster.connect();
  const producer = new SmsProducer({
    connection: client,
    prefix: options.prefix,
    maxContentLength: config.kpnMaxContentLength,
    defaultSender: "RelayTest",
  });
  const sms = new Queue(SMS_QUEUE, { connection: client, prefix: options.prefix });
  const deadLetters = new Queue<DeadLetterJobData>(DEAD_LETTER_QUEUE, {
    connection: client,
    prefix: options.prefix,
  });
  let closed: Promise<void> | undefined;
  return {
    api,
    config,
    worker,
    producer,
    client,
    sms,
    deadLetters,
    logs,
    close() {
      closed ??= (async () => {
        await worker.close();
        await producer.close();
        await sms.close();
        await deadLetters.close();
        await client.quit().catch(() => client.disconnect());
        await api.close();
      })();
      return closed;
    },
  };
}
