import type { SmsJobProgress } from "@sms-relay/producer";

/**
 * Parts the API accepted whose document ids could not be written to Redis (a Redis at
 * `maxmemory`, a lost connection), kept in this process so that the job, when it comes back to
 * this worker, is not sent again. Bounded: the oldest entries go first.
 */
export interface AcceptedParts {
  /** What this process knows was accepted for the job, if anything. */
  get(jobId: string): SmsJobProgress | undefined;
  remember(jobId: string, progress: SmsJobProgress): void;
  /** Called once the job's outcome is stored in Redis. */
  forget(jobId: string): void;
  readonly size: number;
}

/** Options of {@link createAcceptedParts}. */
export interface AcceptedPartsOptions {
  /** @default 100000 */
  maxEntries?: number;
}

/** An empty memory of unrecorded accepted parts. */
export function createAcceptedParts(options: AcceptedPartsOptions = {}): AcceptedParts {
  const { maxEntries = 100_000 } = options;
  const entries = new Map<string, SmsJobProgress>();
  return {
    get: (jobId) => entries.get(jobId),
    remember(jobId, progress) {
      entries.delete(jobId);
      entries.set(jobId, progress);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    forget(jobId) {
      entries.delete(jobId);
    },
    get size() {
      return entries.size;
    },
  };
}

/** The progress that went further of the two (the job's in Redis, or this process's memory). */
export function furthestProgress(
  stored: SmsJobProgress,
  remembered: SmsJobProgress | undefined,
): SmsJobProgress {
  return remembered !== undefined && remembered.partsSent > stored.partsSent ? remembered : stored;
}

/** Options of {@link recordProgress}. */
export interface RecordProgressOptions {
  /** Delays between tries; one try more than delays. @default [100, 250, 500, 1000, 2000] */
  delaysMs?: readonly number[];
  /** Longest wait for one try (a command queued while Redis is away never answers). @default 2000 */
  tryTimeoutMs?: number;
}

/**
 * Writes the job's progress, trying again for a few seconds when Redis refuses (an OOM error, a
 * reconnect). Resolves to the last error when every try failed, else undefined; never throws,
 * since the caller must not turn a failed write into a resend.
 */
export async function recordProgress(
  write: () => Promise<unknown>,
  options: RecordProgressOptions = {},
): Promise<unknown> {
  const { delaysMs = [100, 250, 500, 1000, 2000], tryTimeoutMs = 2000 } = options;
  let lastError: unknown;
  for (let attempt = 0; attempt <= delaysMs.length; attempt++) {
    if (attempt > 0) await sleep(delaysMs[attempt - 1] ?? 0);
    try {
      await withTimeout(write(), tryTimeoutMs);
      return undefined;
    } catch (error) {
      lastError = error;
    }
  }
  return lastError;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  // A write that answers after the timeout is harmless (progress only ever grows); don't let its
  // rejection go unhandled.
  promise.catch(() => {});
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
