import type { SmsJobResult } from "@sms-relay/producer";
import type { Job } from "bullmq";
import { processSms } from "./process-sms.js";
import type { ProcessSmsDeps } from "./processor-types.js";
import { createRequestSender } from "./request-sender.js";
import { createSendBatcher } from "./send-batcher.js";

/** Batching of {@link createSmsProcessor}. */
export interface SmsProcessorBatching {
  /** `SMS_BATCH_SIZE`; 1 sends each SMS alone. */
  batchSize: number;
  /** `SMS_BATCH_WAIT_MS`. */
  batchWaitMs: number;
}

/** A BullMQ processor function for the `sms` queue. */
export type SmsProcessor = ((
  job: Job,
  token?: string,
  signal?: AbortSignal,
) => Promise<SmsJobResult>) & {
  /** Jobs this processor is working on right now. */
  readonly jobsInFlight: number;
};

/**
 * Wraps {@link processSms} as a BullMQ processor: counts active jobs and lets either the
 * worker's shutdown signal or BullMQ's per-job cancel signal abort a wait of the job.
 *
 * The shutdown signal gets one listener for all jobs, which fans out to the jobs in flight: a
 * listener per job would pile up on a signal that lives as long as the process (Node warns past
 * ten), and `AbortSignal.any` keeps every dependent signal alive on Node 20.
 */
export function createSmsProcessor(
  deps: ProcessSmsDeps,
  batching: SmsProcessorBatching = { batchSize: 1, batchWaitMs: 0 },
): SmsProcessor {
  const inFlight = new Set<AbortController>();
  // One path for every send: with a batch size of 1 each SMS goes at once, alone.
  const batcher = createSendBatcher({
    send: createRequestSender(deps),
    maxSize: batching.batchSize,
    maxWaitMs: batching.batchWaitMs,
    jobsInFlight: () => inFlight.size,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  deps.signal?.addEventListener(
    "abort",
    () => {
      for (const controller of inFlight) controller.abort();
    },
    { once: true },
  );

  const process = async (job: Job, _token?: string, jobSignal?: AbortSignal) => {
    deps.metrics?.jobsActive.inc();
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (deps.signal?.aborted || jobSignal?.aborted) abort();
    inFlight.add(controller);
    jobSignal?.addEventListener("abort", abort, { once: true });
    try {
      return await processSms(job, { ...deps, requests: batcher, signal: controller.signal });
    } finally {
      inFlight.delete(controller);
      // With one job fewer in flight, the ones waiting for company may be all there is.
      batcher.check();
      jobSignal?.removeEventListener("abort", abort);
      deps.metrics?.jobsActive.dec();
    }
  };
  return Object.defineProperty(process, "jobsInFlight", {
    get: () => inFlight.size,
  }) as SmsProcessor;
}
