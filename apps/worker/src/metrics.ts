import { createAppRegistry } from "@sms-relay/runtime";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Readiness } from "./readiness.js";

/** Why an SMS ended without being sent: the reasons of the dead-letter queue. */
export type FailureReason = "rejected" | "exhausted" | "invalid" | "expired";

/** What kind of failure put a job back for another go. */
export type RetryKind = "transient" | "rate_limited" | "auth" | "redirected";

/** Outcome label of `kpn_request_duration_seconds`. */
export type RequestOutcome = "ok" | "permanent" | "rate_limited" | "auth" | "transient";

/**
 * Outcome label of `sms_callbacks_total`, one per attempt to POST a status event: `delivered`
 * (2xx), `retried` (a network error, 408, 429 or 5xx, tried again later), `refused` (any other
 * answer, which ends it) or `given_up` (the last attempt failed in a way that would be retried).
 */
export type CallbackOutcome = "delivered" | "retried" | "refused" | "given_up";

/** Event label of `sms_callbacks_total`: the event's kind, `unknown` for job data of another kind. */
export type CallbackEventLabel = "sent" | "dead" | "delivery" | "unknown";

/** States of the `sms` queue that `sms_queue_jobs{state}` reports. */
export type QueueJobState = "waiting" | "delayed" | "active" | "failed";

/** The worker's Prometheus metrics. */
export interface WorkerMetrics {
  readonly registry: Registry;
  readonly sent: Counter;
  readonly segmentsSent: Counter;
  readonly failed: Counter<"reason">;
  readonly deadLettered: Counter<"reason">;
  readonly retries: Counter<"kind">;
  readonly ambiguousFailures: Counter;
  /** Sent SMS whose delivery reference never reached Redis: their reports will not match. */
  readonly referenceFailures: Counter;
  readonly rateLimited: Counter;
  readonly requestDuration: Histogram<"outcome">;
  readonly tokenRequests: Counter;
  readonly jobsActive: Gauge;
  readonly callbacks: Counter<"event" | "outcome">;
  /** Seconds from when an SMS was due (enqueued, or its delay over) to the API accepting it. */
  readonly enqueueToSent: Histogram;
  /** Jobs of the `sms` queue by state, as of the last refresh of the queue statistics. */
  readonly queueJobs: Gauge<"state">;
  /** Records in the `sms-dead-letter` queue, as of the last refresh. */
  readonly deadLetterJobs: Gauge;
  /** How long the SMS first in line has been due, as of the last refresh; 0 when none waits. */
  readonly oldestWaitingSeconds: Gauge;
  /** 1 while the `sms` queue is paused (after a 429 or refused credentials), as of the last refresh. */
  readonly queuePaused: Gauge;
  /** Unix time of the last successful refresh of the queue statistics. */
  readonly queueStatsRefreshed: Gauge;
  /** 1 while `/readyz` answers 200, read from the readiness state on each scrape. */
  readonly ready: Gauge;
  /** 1 while the KPN API refuses our credentials, read from the readiness state on each scrape. */
  readonly kpnAuthFailing: Gauge;
  /** Always 1, labelled with the worker's `version` and the `node` version. */
  readonly buildInfo: Gauge<"version" | "node">;
}

/** Options of {@link createWorkerMetrics}. */
export interface WorkerMetricsOptions {
  /** Registry to register on. @default a new Registry with the default Node metrics */
  registry?: Registry;
  /** Reads the KPN client's count of token requests when metrics are scraped. @default none */
  readTokenRequests?: () => number;
  /** Read when metrics are scraped, for `sms_worker_ready` and `sms_kpn_auth_failing`. @default none: both 0 */
  readiness?: Pick<Readiness, "report" | "kpnFault">;
}

/** Buckets of `sms_enqueue_to_sent_seconds`: from an idle queue (tens of ms) to an hour's backlog. */
const ENQUEUE_TO_SENT_BUCKETS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
];

/** Registers the worker's metrics. Names and labels are part of the public contract. */
export function createWorkerMetrics(options: WorkerMetricsOptions = {}): WorkerMetrics {
  const { registry, buildInfo } = createAppRegistry({
    registry: options.registry,
    app: "the worker",
    packageJson: new URL("../package.json", import.meta.url),
  });
  const registers = [registry];
  const readTokenRequests = options.readTokenRequests;
  const readiness = options.readiness;
  let tokenRequestsSeen = 0;

  return {
    registry,
    sent: new Counter({
      name: "sms_sent_total",
      help: "SMS sent: jobs whose every part the API accepted",
      registers,
    }),
    segmentsSent: new Counter({
      name: "sms_segments_sent_total",
      help: "Billed SMS segments of the sent SMS",
      registers,
    }),
    failed: new Counter({
      name: "sms_failed_total",
      help: "SMS that ended without being sent, by reason",
      labelNames: ["reason"],
      registers,
    }),
    deadLettered: new Counter({
      name: "sms_dead_lettered_total",
      help: "Records added to the sms-dead-letter queue, by reason",
      labelNames: ["reason"],
      registers,
    }),
    retries: new Counter({
      name: "sms_retries_total",
      help: "Jobs put back for another attempt, by kind of failure",
      labelNames: ["kind"],
      registers,
    }),
    ambiguousFailures: new Counter({
      name: "sms_ambiguous_failures_total",
      help: "Send failures after the request went out (timeouts, resets, 500s): the SMS may have been sent",
      registers,
    }),
    referenceFailures: new Counter({
      name: "sms_dlr_reference_failures_total",
      help: "SMS sent whose delivery reference could not be written to Redis: their delivery reports will be kept as unmatched",
      registers,
    }),
    rateLimited: new Counter({
      name: "sms_rate_limited_total",
      help: "429 answers from the API, each pausing the queue",
      registers,
    }),
    requestDuration: new Histogram({
      name: "kpn_request_duration_seconds",
      help: "Duration of send requests to the KPN API, by outcome",
      labelNames: ["outcome"],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    tokenRequests: new Counter({
      name: "kpn_token_requests_total",
      help: "OAuth token requests made to the KPN API",
      registers,
      collect() {
        if (!readTokenRequests) return;
        const now = readTokenRequests();
        if (now > tokenRequestsSeen) {
          this.inc(now - tokenRequestsSeen);
          tokenRequestsSeen = now;
        }
      },
    }),
    jobsActive: new Gauge({
      name: "sms_jobs_active",
      help: "SMS jobs being processed by this worker right now",
      registers,
    }),
    callbacks: new Counter({
      name: "sms_callbacks_total",
      help: "Attempts to POST a status callback, by event and outcome (delivered, retried, refused, given_up)",
      labelNames: ["event", "outcome"],
      registers,
    }),
    enqueueToSent: new Histogram({
      name: "sms_enqueue_to_sent_seconds",
      help: "Seconds from when an SMS was enqueued (or its delay ended) to when the KPN API accepted it, one observation per SMS",
      buckets: ENQUEUE_TO_SENT_BUCKETS,
      registers,
    }),
    queueJobs: new Gauge({
      name: "sms_queue_jobs",
      help: "Jobs of the sms queue by state (waiting, delayed, active, failed), refreshed on an interval; every worker reports the same queue: aggregate with max, not sum",
      labelNames: ["state"],
      registers,
    }),
    deadLetterJobs: new Gauge({
      name: "sms_dead_letter_jobs",
      help: "Records in the sms-dead-letter queue, refreshed on an interval; every worker reports the same queue: aggregate with max, not sum",
      registers,
    }),
    oldestWaitingSeconds: new Gauge({
      name: "sms_queue_oldest_waiting_seconds",
      help: "How long the SMS first in line has been due (since it was enqueued or its delay ended), 0 when none waits; refreshed on an interval",
      registers,
    }),
    queuePaused: new Gauge({
      name: "sms_queue_paused",
      help: "1 while the sms queue is paused (after a 429, refused credentials or a redirect), else 0; refreshed on an interval",
      registers,
    }),
    queueStatsRefreshed: new Gauge({
      name: "sms_queue_stats_refreshed_timestamp_seconds",
      help: "Unix time of the last successful refresh of the queue gauges (sms_queue_jobs, sms_dead_letter_jobs, sms_queue_oldest_waiting_seconds, sms_queue_paused)",
      registers,
    }),
    ready: new Gauge({
      name: "sms_worker_ready",
      help: "1 while /readyz answers 200 (Redis connected, worker running, KPN accepting our credentials, not shutting down), else 0",
      registers,
      collect() {
        this.set(readiness?.report().ready ? 1 : 0);
      },
    }),
    kpnAuthFailing: new Gauge({
      name: "sms_kpn_auth_failing",
      help: "1 while the KPN API refuses this worker's credentials even with a fresh token (sends are paused), else 0",
      registers,
      collect() {
        this.set(readiness?.kpnFault === "kpn_auth_failing" ? 1 : 0);
      },
    }),
    buildInfo,
  };
}
