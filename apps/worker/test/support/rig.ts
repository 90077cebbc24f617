import { createSandbox, type KpnSandbox, type SandboxFaults } from "@sms-relay/kpn-sandbox";
import { SmsProducer } from "@sms-relay/producer";
import { freePort, startRedisServer, startTestRedis, type TestRedis } from "@sms-relay/testing";
import { acquireExclusiveRun } from "./exclusive-run.js";
import { QueueOutcomes } from "./queue-outcomes.js";
import { killAllWorkers, spawnWorker, type WorkerProcess } from "./worker-process.js";

/** Options of {@link startRig}. */
export interface RigOptions {
  /** Names the queue prefix, so a leftover in Redis says which test made it. */
  label: string;
  /**
   * Faults of the sandbox from the start.
   * @default {}
   */
  faults?: SandboxFaults;
  /**
   * A private `redis-server` with the append-only file on, which `redis.stop()` and
   * `redis.start()` can kill and bring back with its data.
   * @default false
   */
  appendOnly?: boolean;
  /**
   * Longest content per message the sandbox accepts (a demo account's 160).
   * @default 160
   */
  sandboxMaxContentLength?: number;
  /** Environment for every worker of this rig, over {@link baseWorkerEnv}. */
  workerEnv?: Record<string, string>;
}

/** One SMS to enqueue through the producer. */
export interface SmsInput {
  to: string;
  content: string;
  sender: string;
}

/** Redis, the sandbox, a producer and the worker processes of one reliability test. */
export interface Rig {
  readonly redis: TestRedis;
  readonly sandbox: KpnSandbox;
  readonly prefix: string;
  readonly producer: SmsProducer;
  readonly queues: QueueOutcomes;
  /** Workers started so far, in order. */
  readonly workers: WorkerProcess[];
  /** The environment a worker gets from this rig, before `env` of {@link Rig.startWorker}. */
  workerEnv(env?: Record<string, string>): Record<string, string>;
  /** Spawns a worker and waits until `/readyz` says it is ready. */
  startWorker(name: string, env?: Record<string, string>): Promise<WorkerProcess>;
  /** Enqueues through the producer; every input must be accepted. Returns the job ids. */
  enqueue(inputs: readonly SmsInput[]): Promise<string[]>;
  /** Kills the workers and closes everything; safe to call twice. */
  close(): Promise<void>;
}

/** Credentials the sandbox accepts; distinctive, so that a leak into the logs can be found. */
export const TEST_CLIENT_ID = "reliability-client";
export const TEST_CLIENT_SECRET = "reliability-secret-4f9d2c";

/** The sender every test SMS carries. */
export const TEST_SENDER = "RelayTest";

/** Words in every test SMS's content, to find content in the logs. */
export const CONTENT_MARKER = "your code is";

/**
 * `count` SMS, each with content no other SMS of the run has, so that a duplicate at the
 * sandbox can be told from two different messages.
 */
export function makeSms(label: string, count: number, offset = 0): SmsInput[] {
  return Array.from({ length: count }, (_, index) => {
    const n = offset + index;
    return {
      to: `+3161${String(n % 10_000_000).padStart(7, "0")}`,
      content: `${label} #${n}: ${CONTENT_MARKER} ${String((n * 7919) % 1_000_000).padStart(6, "0")}`,
      sender: TEST_SENDER,
    };
  });
}

/**
 * The worker configuration the reliability tests run with: the sandbox's credentials, short
 * backoff and timeouts so that retries happen within seconds, and quiet logs.
 */
export function baseWorkerEnv(redisUrl: string, prefix: string, kpnBaseUrl: string) {
  return {
    REDIS_URL: redisUrl,
    SMS_QUEUE_PREFIX: prefix,
    KPN_BASE_URL: kpnBaseUrl,
    KPN_CLIENT_ID: TEST_CLIENT_ID,
    KPN_CLIENT_SECRET: TEST_CLIENT_SECRET,
    KPN_MAX_CONTENT_LENGTH: "160",
    KPN_TIMEOUT_MS: "1000",
    WORKER_CONCURRENCY: "20",
    // One SMS per request unless a test turns batching on.
    SMS_BATCH_SIZE: "1",
    SMS_MAX_ATTEMPTS: "10",
    SMS_BACKOFF_MS: "50",
    SMS_BACKOFF_MAX_MS: "500",
    SHUTDOWN_GRACE_MS: "5000",
    SMS_RATE_LIMIT_PER_SECOND: "0",
    LOG_LEVEL: "warn",
  };
}

/**
 * Starts a rig. Rigs take turns machine-wide (see `acquireExclusiveRun`), so waiting for one
 * can take minutes: give the hook that calls this a long timeout.
 */
export async function startRig(options: RigOptions): Promise<Rig> {
  const release = await acquireExclusiveRun({ name: "worker-reliability" });
  const closers: Array<() => Promise<void>> = [release];
  const close = async () => {
    await killAllWorkers();
    for (const closer of closers.splice(0).reverse()) {
      await closer().catch(() => {});
    }
  };
  try {
    const redis = options.appendOnly
      ? await startRedisServer({ appendOnly: true })
      : await startTestRedis();
    closers.push(() => redis.close());
    const prefix = redis.uniquePrefix(options.label);

    const sandbox = createSandbox({
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
      maxContentLength: options.sandboxMaxContentLength ?? 160,
      faults: options.faults ?? {},
    });
    const { url: sandboxUrl } = await sandbox.listen(0);
    closers.push(() => sandbox.close());

    const producer = new SmsProducer({ connection: redis.url, prefix });
    closers.push(() => producer.close());
    const queues = new QueueOutcomes(redis.url, prefix);
    closers.push(() => queues.close());

    const workers: WorkerProcess[] = [];
    const workerEnv = (env: Record<string, string> = {}) => ({
      ...baseWorkerEnv(redis.url, prefix, sandboxUrl),
      ...options.workerEnv,
      ...env,
    });

    return {
      redis,
      sandbox,
      prefix,
      producer,
      queues,
      workers,
      workerEnv,
      async startWorker(name, env) {
        for (let attempt = 1; ; attempt++) {
          const worker = spawnWorker(name, workerEnv(env), await freePort());
          try {
            await worker.ready();
            workers.push(worker);
            return worker;
          } catch (error) {
            // The free port can be taken by another process before the worker binds it.
            const portTaken = worker.describe(50).includes("EADDRINUSE");
            if (!portTaken || attempt >= 3) throw error;
          }
        }
      },
      async enqueue(inputs) {
        const ids: string[] = [];
        // Chunks keep one call's pipeline, and its memory, small.
        for (let start = 0; start < inputs.length; start += 250) {
          const chunk = inputs.slice(start, start + 250);
          const { accepted, rejected } = await producer.sendMany([...chunk]);
          if (rejected.length > 0) {
            throw new Error(`the producer rejected test input: ${JSON.stringify(rejected[0])}`);
          }
          ids.push(...accepted.map((result) => result.id));
        }
        return ids;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
