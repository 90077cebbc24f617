import {
  type Context,
  type Link,
  type Span,
  SpanKind,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { traceparentOf } from "@sms-relay/runtime";
import type { Telemetry } from "bullmq";
import { BullMQOtel } from "bullmq-otel";

/** The name of the worker's tracer, and its `service.name`. */
export const WORKER_TRACER_NAME = "sms-relay-worker";

/** What the worker traces with, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. */
export interface WorkerTracing {
  /** BullMQ's telemetry for the Worker: a `process sms` span per job, child of its `add`. */
  telemetry: Telemetry;
  /** Our own spans: the KPN requests. */
  tracer: Tracer;
}

/**
 * The worker's telemetry on the global OpenTelemetry API (the SDK started by `main.ts`, or by a
 * test). Without an SDK every span it makes is a no-op; the worker builds it only when traces
 * are on, so that otherwise not even that is done.
 */
export function createWorkerTracing(): WorkerTracing {
  return {
    telemetry: new BullMQOtel({ tracerName: WORKER_TRACER_NAME }),
    tracer: trace.getTracer(WORKER_TRACER_NAME),
  };
}

/** Trace contexts of the SMS of one request, for its span and the delivery reference. */
export interface RequestTrace {
  span: Span;
  /** `traceparent` of the request span. */
  request?: string;
  /** `traceparent` of each SMS's job span, by job id. */
  jobs: Map<string, string>;
}

/**
 * Starts the span of one KPN request carrying `items`. One request serves many jobs, each in
 * its own trace (from its `send()` through its `process sms` span): the span is a child of the
 * first SMS's job span, so that SMS's trace shows its request, and links to the job span of
 * every other SMS, so that theirs lead to it too. It carries the job ids and counts, never a
 * number or a text.
 */
export function startRequestSpan(
  tracer: Tracer,
  items: readonly { jobId: string; parts: readonly string[]; traceContext?: Context }[],
): RequestTrace {
  const jobs = new Map<string, string>();
  const links: Link[] = [];
  for (const [index, item] of items.entries()) {
    const spanContext = item.traceContext && trace.getSpanContext(item.traceContext);
    const traceparent = spanContext && traceparentOf(spanContext);
    if (!spanContext || !traceparent) continue;
    jobs.set(item.jobId, traceparent);
    if (index > 0) links.push({ context: spanContext });
  }
  const span = tracer.startSpan(
    "kpn send",
    {
      kind: SpanKind.CLIENT,
      links,
      attributes: {
        "http.request.method": "POST",
        "sms_relay.sms_count": items.length,
        "sms_relay.message_count": items.reduce((sum, item) => sum + item.parts.length, 0),
        "sms_relay.job_ids": items.map((item) => item.jobId),
      },
    },
    items[0]?.traceContext,
  );
  const request = traceparentOf(span.spanContext());
  return { span, jobs, ...(request ? { request } : {}) };
}
