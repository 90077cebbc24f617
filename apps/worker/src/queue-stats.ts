import type { Job, JobType, Queue } from "bullmq";
import type { QueueJobState, WorkerMetrics } from "./metrics.js";

/**
 * How often each worker reads the queue statistics from Redis. Fresher than any scrape interval
 * in use (Prometheus defaults to 15 s), and cheap: one refresh is at most seven commands whatever
 * the queue holds, so even 50 workers cost Redis 70 commands a second. A scrape only reads what
 * the last refresh found, so scraping more often (or from more Prometheus servers) adds nothing.
 */
export const QUEUE_STATS_INTERVAL_MS = 5000;

/**
 * The `max` of the worker's BullMQ limiter: high enough never to bind (the real limit is the
 * sliding window in rate-limiter.ts), so that only a pause, which sets the limiter key to
 * `Number.MAX_SAFE_INTEGER`, counts as the queue being rate limited.
 */
export const UNBOUNDED_LIMITER_MAX = 1_000_000;

/** The states of the dead-letter queue that hold records, as `deadLetters.count()` counts them. */
const DEAD_LETTER_STATES: JobType[] = [
  "waiting",
  "prioritized",
  "delayed",
  "active",
  "completed",
  "failed",
];

/** What one refresh found. */
export interface QueueStatsSnapshot {
  readonly jobs: Readonly<Record<QueueJobState, number>>;
  readonly deadLetters: number;
  /** How long the SMS first in line has been due, in seconds; 0 when none waits. */
  readonly oldestWaitingSeconds: number;
  readonly paused: boolean;
  /** `Date.now()` of the refresh. */
  readonly at: number;
}

/** Options of {@link createQueueStats}. */
export interface QueueStatsOptions {
  /** The `sms` queue. */
  queue: Queue;
  /** The `sms-dead-letter` queue. */
  deadLetterQueue: Queue;
  metrics: Pick<
    WorkerMetrics,
    "queueJobs" | "deadLetterJobs" | "oldestWaitingSeconds" | "queuePaused" | "queueStatsRefreshed"
  >;
  /** Time between the end of one refresh and the start of the next. @default {@link QUEUE_STATS_INTERVAL_MS} */
  intervalMs?: number;
  /** Told about a refresh that failed (Redis gone); the gauges keep their last values. @default ignored */
  onError?: (error: Error) => void;
  /** @default Date.now */
  now?: () => number;
}

/** The queue gauges and the timer that refreshes them. */
export interface QueueStats {
  /** Reads the statistics now and sets the gauges. Rejects when Redis fails. */
  refresh(): Promise<QueueStatsSnapshot>;
  /** Refreshes now and then every `intervalMs`, one refresh at a time, until {@link stop}. */
  start(): void;
  /** Stops the timer and waits for a refresh in flight. */
  stop(): Promise<void>;
  /** What the last successful refresh found. */
  readonly snapshot: QueueStatsSnapshot | undefined;
}

/** Seconds since a job was due: enqueued, or, when it was added with a delay, since that ended. */
function dueSeconds(job: Job | undefined, now: number): number {
  if (!job) return 0;
  const dueAt = job.timestamp + (job.opts.delay ?? 0);
  return Math.max(0, (now - dueAt) / 1000);
}

/**
 * Queue depths for the gauges, read on a timer rather than on each scrape, so that scrapes never
 * reach Redis. Every worker reads the same queue and so reports the same numbers: dashboards and
 * alerts take `max without(instance)` of them, never a sum.
 *
 * The oldest waiting SMS is the one first in line: the tail of the wait list (BullMQ takes jobs
 * from there, and puts a job back there after a 429) and the first prioritized job; reading only
 * those keeps a refresh to a fixed number of commands however long the backlog.
 */
export function createQueueStats(options: QueueStatsOptions): QueueStats {
  const { queue, deadLetterQueue, metrics } = options;
  const intervalMs = options.intervalMs ?? QUEUE_STATS_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let snapshot: QueueStatsSnapshot | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> | undefined;
  let stopped = false;

  async function refresh(): Promise<QueueStatsSnapshot> {
    const [counts, deadLetters, pauseMs, [firstWaiting], [firstPrioritized]] = await Promise.all([
      queue.getJobCounts("waiting", "prioritized", "delayed", "active", "failed"),
      deadLetterQueue.getJobCountByTypes(...DEAD_LETTER_STATES),
      queue.getRateLimitTtl(UNBOUNDED_LIMITER_MAX),
      queue.getJobs(["waiting"], 0, 0, true),
      queue.getJobs(["prioritized"], 0, 0, true),
    ]);
    const at = now();
    const next: QueueStatsSnapshot = {
      jobs: {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        failed: counts.failed ?? 0,
      },
      deadLetters,
      oldestWaitingSeconds: Math.max(
        dueSeconds(firstWaiting, at),
        dueSeconds(firstPrioritized, at),
      ),
      paused: pauseMs > 0,
      at,
    };
    for (const [state, count] of Object.entries(next.jobs)) {
      metrics.queueJobs.set({ state }, count);
    }
    metrics.deadLetterJobs.set(next.deadLetters);
    metrics.oldestWaitingSeconds.set(next.oldestWaitingSeconds);
    metrics.queuePaused.set(next.paused ? 1 : 0);
    metrics.queueStatsRefreshed.set(at / 1000);
    snapshot = next;
    return next;
  }

  function tick(): void {
    const run = refresh().catch((error: unknown) => {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    });
    inFlight = run;
    void run.finally(() => {
      inFlight = undefined;
      if (stopped) return;
      timer = setTimeout(tick, intervalMs);
      // Never the reason the process stays up.
      timer.unref();
    });
  }

  return {
    refresh,
    start() {
      if (timer || inFlight || stopped) return;
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
    get snapshot() {
      return snapshot;
    },
  };
}
