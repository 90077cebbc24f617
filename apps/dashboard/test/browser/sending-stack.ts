import { createSandbox, type KpnSandbox } from "@sms-relay/kpn-sandbox";
import { SmsProducer } from "@sms-relay/producer";
import { parseReceiptsEnv, type RunningReceipts, startReceipts } from "@sms-relay/receipts";
import type { TestRedis } from "@sms-relay/testing";
import { parseWorkerEnv, type RunningWorker, startWorker } from "@sms-relay/worker";
import { pino } from "pino";

/** What sends for the browser tests: the KPN sandbox, the receipts app, a worker, a producer. */
export interface SendingStack {
  readonly prefix: string;
  readonly sandbox: KpnSandbox;
  readonly producer: SmsProducer;
  close(): Promise<void>;
}

const CLIENT_ID = "sandbox-id";
const CLIENT_SECRET = "sandbox-secret-value";

/**
 * Starts, on loopback and in this process, the parts that carry an SMS from the queue to
 * `delivered`: the kpn-sandbox (a demo account's 160 characters), the receipts app taking the
 * sandbox's signed delivery reports, and a worker with short backoff and 2 attempts, so that
 * an SMS the sandbox keeps answering 503 to is dead-lettered within a second.
 */
export async function startSendingStack(redis: TestRedis, label: string): Promise<SendingStack> {
  const prefix = redis.uniquePrefix(label);
  const logger = pino({ level: "silent" });
  const sandbox = createSandbox({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    maxContentLength: 160,
    logger,
  });
  const api = await sandbox.listen(0, "127.0.0.1");
  const closers: Array<() => Promise<unknown>> = [() => sandbox.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {});
  };
  try {
    const { keyId, secret } = sandbox.deliveryReports();
    const receipts: RunningReceipts = await startReceipts(
      parseReceiptsEnv({
        REDIS_URL: redis.url,
        SMS_QUEUE_PREFIX: prefix,
        KPN_WEBHOOK_KEYS: `${keyId}:${secret}`,
        RECEIPTS_PORT: "0",
        RECEIPTS_HOST: "127.0.0.1",
        LOG_LEVEL: "silent",
      }),
      logger,
    );
    closers.push(() => receipts.close());
    const worker: RunningWorker = await startWorker({
      config: parseWorkerEnv({
        REDIS_URL: redis.url,
        SMS_QUEUE_PREFIX: prefix,
        KPN_BASE_URL: api.url,
        KPN_CLIENT_ID: CLIENT_ID,
        KPN_CLIENT_SECRET: CLIENT_SECRET,
        KPN_MAX_CONTENT_LENGTH: "160",
        KPN_TIMEOUT_MS: "3000",
        HEALTH_PORT: "0",
        SMS_BACKOFF_MS: "20",
        SMS_BACKOFF_MAX_MS: "100",
        SMS_MAX_ATTEMPTS: "2",
        SMS_DLR_URL: `${receipts.url}/kpn/dlr`,
        SHUTDOWN_GRACE_MS: "5000",
        LOG_LEVEL: "silent",
      }),
      logger,
      healthHost: "127.0.0.1",
    });
    closers.push(() => worker.close());
    const producer = new SmsProducer({
      connection: redis.url,
      prefix,
      maxContentLength: 160,
      defaultSender: "MyShop",
    });
    closers.push(() => producer.close());
    return { prefix, sandbox, producer, close };
  } catch (error) {
    await close();
    throw error;
  }
}
