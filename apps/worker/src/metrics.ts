import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

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
}

/** Options of {@link createWorkerMetrics}. */
export interface WorkerMetricsOptions {
  /** Registry to register on. @default a new Registry with the default Node metrics */
  registry?: Registry;
  /** Reads the KPN client's count of token requests when metrics are scraped. @default none */
  readTokenRequests?: () => number;
}

/** Registers the worker's metrics. Names and labels are part of the public contract. */
export function createWorkerMetrics(options: WorkerMetricsOptions = {}): WorkerMetrics {
  let registry = options.registry;
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  const registers = [registry];
  const readTokenRequests = options.readTokenRequests;
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
  };
}
