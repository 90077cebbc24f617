import {
  CALLBACK_QUEUE,
  type CallbackJob,
  callbackJob,
  type DeliveryCallbackSource,
  type SmsCallbackEvent,
} from "@sms-relay/producer";
import { settleWithin } from "@sms-relay/runtime";
import { Queue } from "bullmq";
import type { Cluster, Redis } from "ioredis";

/** One SMS whose delivery state a webhook body touched, and that asked for status callbacks. */
export interface DeliveryCallbackInput {
  /** The SMS's job id. */
  jobId: string;
  /** Its recipient in E.164. */
  to: string;
  source: DeliveryCallbackSource;
}

/** Puts `delivery` status events on the `sms-callback` queue; the worker signs and sends them. */
export interface DeliveryCallbacks {
  /**
   * Adds one event per SMS for its current delivery state, all in one round trip. The event id
   * names the SMS and the state, so adding it again (a retried body) adds nothing.
   * @throws when the events could not be added in time; then the body must not be answered 2xx
   */
  enqueue(inputs: readonly DeliveryCallbackInput[]): Promise<number>;
  close(): Promise<void>;
}

/** Options of {@link createDeliveryCallbacks}. */
export interface DeliveryCallbacksOptions {
  redis: Redis | Cluster;
  prefix: string;
  /** Longest wait for Redis before the body is answered 503. @default 5000 */
  timeoutMs?: number;
}

/** The event of one input: `state` is `dead` when its job ended without being sent in full. */
export function deliveryEvent(input: DeliveryCallbackInput): SmsCallbackEvent {
  const { source } = input;
  return {
    id: input.jobId,
    event: "delivery",
    state: source.dead ? "dead" : "sent",
    delivery: source.delivery,
    documentIds: source.documentIds,
    to: input.to,
    at: source.delivery.reportedAt ?? new Date().toISOString(),
  };
}

/** Delivery callbacks on the `sms-callback` queue beside the worker's queues. */
export function createDeliveryCallbacks(options: DeliveryCallbacksOptions): DeliveryCallbacks {
  // Built on first use: a receipts app whose SMS never ask for callbacks writes no queue keys.
  let queue: Queue | undefined;
  const open = (): Queue => {
    if (!queue) {
      queue = new Queue(CALLBACK_QUEUE, { connection: options.redis, prefix: options.prefix });
      // Errors surface through enqueue's rejection; without a listener Node would throw them.
      queue.on("error", () => {});
    }
    return queue;
  };
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    async enqueue(inputs) {
      const jobs = new Map<string, CallbackJob>();
      for (const input of inputs) {
        const job = callbackJob(input.source.url, deliveryEvent(input), input.source.keepSeconds);
        jobs.set(job.data.eventId, job);
      }
      if (jobs.size === 0) return 0;
      const outcome = await settleWithin(open().addBulk([...jobs.values()]), timeoutMs);
      if (outcome !== "done") throw new Error(`delivery callbacks not enqueued: ${outcome}`);
      return jobs.size;
    },
    async close() {
      if (queue) await settleWithin(queue.close(), timeoutMs);
    },
  };
}
