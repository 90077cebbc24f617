import { setMaxListeners } from "node:events";
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
export type SmsProcessor = ((job: Job, token?: string) => Promise<SmsJobResult>) & {
  /** Jobs this processor is working on right now. */
  readonly jobsInFlight: number;
};

/**
 * Wraps {@link processSms} as a BullMQ processor that counts the jobs in flight and hands each
 * the worker's shutdown signal, which ends its waits (for company, a rate-limit slot, a pause).
 *
 * The processor takes no third (signal) parameter on purpose: BullMQ then builds no
 * `AbortController` per job, and nothing here cancels single jobs. The shutdown signal is shared
 * by every job waiting at once, so it may carry many listeners (each removed when its wait ends):
 * its listener limit is lifted, or Node would warn past ten.
 */
export function createSmsProcessor(
  deps: ProcessSmsDeps,
  batching: SmsProcessorBatching = { batchSize: 1, batchWaitMs: 0 },
): SmsProcessor {
  let inFlight = 0;
  if (deps.signal) setMaxListeners(0, deps.signal);
  // One path for every send: with a batch size of 1 each SMS goes at once, alone.
  const batcher = createSendBatcher({
    send: createRequestSender(deps),
    maxSize: batching.batchSize,
    maxWaitMs: batching.batchWaitMs,
    jobsInFlight: () => inFlight,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  // Built once: a spread of the dependencies per job is garbage at thousands of SMS a second.
  const jobDeps: ProcessSmsDeps = {
    ...deps,
    requests: batcher,
    state: deps.state ?? { configFailures: 0 },
  };

  const process = async (job: Job, _token?: string) => {
    deps.metrics?.jobsActive.inc();
    inFlight += 1;
    try {
      return await processSms(job, jobDeps);
    } finally {
      inFlight -= 1;
      // With one job fewer in flight, the ones waiting for company may be all there is.
      batcher.check();
      deps.metrics?.jobsActive.dec();
    }
  };
  return Object.defineProperty(process, "jobsInFlight", {
    get: () => inFlight,
  }) as SmsProcessor;
}
