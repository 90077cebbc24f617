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
    const linked = linkSignals(deps.signal, signal);
    try {
      return await processSms(job, { ...deps, signal: linked.signal });
    } finally {
      linked.dispose();
      deps.metrics?.jobsActive.dec();
    }
  };
}

/**
 * One signal that aborts when either does. Not `AbortSignal.any`: the shutdown signal lives as
 * long as the process, and a dependent signal per job would stay tied to it (Node 20 keeps them
 * around); a listener removed when the job ends leaves nothing behind.
 */
function linkSignals(
  first: AbortSignal | undefined,
  second: AbortSignal | undefined,
): { signal: AbortSignal | undefined; dispose: () => void } {
  if (first === undefined || second === undefined) {
    return { signal: first ?? second, dispose: () => {} };
  }
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (first.aborted || second.aborted) {
    abort();
    return { signal: controller.signal, dispose: () => {} };
  }
  first.addEventListener("abort", abort, { once: true });
  second.addEventListener("abort", abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      first.removeEventListener("abort", abort);
      second.removeEventListener("abort", abort);
    },
  };
}
