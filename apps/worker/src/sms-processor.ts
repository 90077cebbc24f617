import type { SmsJobResult } from "@sms-relay/producer";
import type { Job } from "bullmq";
import { type ProcessSmsDeps, processSms } from "./process-sms.js";

/** A BullMQ processor function for the `sms` queue. */
export type SmsProcessor = (
  job: Job,
  token?: string,
  signal?: AbortSignal,
) => Promise<SmsJobResult>;

/**
 * Wraps {@link processSms} as a BullMQ processor: counts active jobs and lets either the
 * worker's shutdown signal or BullMQ's per-job cancel signal abort a wait for the rate limiter.
 */
export function createSmsProcessor(deps: ProcessSmsDeps): SmsProcessor {
  return async (job, _token, signal) => {
    deps.metrics?.jobsActive.inc();
    try {
      const signals = [deps.signal, signal].filter((s): s is AbortSignal => s !== undefined);
      const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      return await processSms(job, { ...deps, signal: combined });
    } finally {
      deps.metrics?.jobsActive.dec();
    }
  };
}
