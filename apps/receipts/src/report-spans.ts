import { type Link, ROOT_CONTEXT, SpanKind, type Tracer, trace } from "@opentelemetry/api";
import {
  type DeliveryReport,
  type DeliveryReportOutcome,
  deliveryKeys,
  deliveryStateOfKpnStatus,
} from "@sms-relay/producer";
import { spanContextOfTraceparent } from "@sms-relay/runtime";
import type { Cluster, Redis } from "ioredis";

/** One webhook body, recorded: what {@link traceDeliveryReports} makes spans of. */
export interface RecordedBody {
  /** The reference of the request the reports belong to (the path's last segment). */
  reference: string;
  reports: readonly DeliveryReport[];
  /** In the order of `reports`. */
  outcomes: readonly DeliveryReportOutcome[];
  /** When handling the body began (epoch ms): the spans start there. */
  startedAt: number;
}

/**
 * One span per report that matched an SMS, continuing that SMS's trace. The worker kept the
 * `traceparent` of each SMS's job span (`tp:<job id>`) and of the request's span (`tp`) with the
 * delivery reference; each report's span is a child of its SMS's job span and links to the
 * request's span (which, in a request shared by several SMS, sits in the first one's trace).
 * A span says which SMS and what state, never the number or the content. One Redis read per
 * body, and only when traces are on.
 */
export async function traceDeliveryReports(
  redis: Redis | Cluster,
  prefix: string,
  tracer: Tracer,
  body: RecordedBody,
): Promise<void> {
  const jobIds = [
    ...new Set(
      body.outcomes.flatMap((outcome) =>
        outcome.result !== "unmatched" && outcome.jobId ? [outcome.jobId] : [],
      ),
    ),
  ];
  if (jobIds.length === 0) return;
  const values = await redis.hmget(
    deliveryKeys(prefix).reference(body.reference),
    "tp",
    ...jobIds.map((jobId) => `tp:${jobId}`),
  );
  const request = spanContextOfTraceparent(values[0]);
  const links: Link[] = request ? [{ context: request }] : [];
  const parents = new Map(jobIds.map((jobId, index) => [jobId, values[index + 1]]));
  for (const [index, outcome] of body.outcomes.entries()) {
    if (outcome.result === "unmatched" || !outcome.jobId) continue;
    const report = body.reports[index];
    const parent = spanContextOfTraceparent(parents.get(outcome.jobId));
    const span = tracer.startSpan(
      "delivery report",
      {
        kind: SpanKind.CONSUMER,
        startTime: body.startedAt,
        links,
        attributes: {
          "sms_relay.sms_id": outcome.jobId,
          "sms_relay.report_outcome": outcome.result,
          ...(outcome.result === "duplicate" ? {} : { "sms_relay.delivery_state": outcome.state }),
          ...(report
            ? {
                "sms_relay.kpn_status": report.status,
                "sms_relay.report_state": deliveryStateOfKpnStatus(report.status) ?? "unknown",
              }
            : {}),
        },
      },
      parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
    );
    span.end();
  }
}
