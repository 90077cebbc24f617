import { createAppRegistry } from "@sms-relay/runtime";
import { Counter, type Gauge, Histogram, type Registry } from "prom-client";

/** Why a webhook request was refused, as `sms_dlr_refused_total{cause}` counts it. */
export type RefusalCause = "signature" | "size" | "body";

/** The Prometheus metrics of the receipts app. */
export interface ReceiptsMetrics {
  readonly registry: Registry;
  /** Reports heard for the first time, by delivery state (`pending`, `delivered`, …). */
  readonly reports: Counter<"status">;
  /** Reports that were seen before and changed nothing. */
  readonly duplicates: Counter;
  /** Reports whose reference and recipient match no SMS. */
  readonly unmatched: Counter;
  /** Requests refused, by cause. */
  readonly refused: Counter<"cause">;
  /** Seconds from the send to the report that made an SMS's state final. */
  readonly finalReportSeconds: Histogram;
  /** `delivery` status events put on the `sms-callback` queue (re-adds of one event included). */
  readonly callbacksEnqueued: Counter;
  /** Always 1, labelled with the receipts app's `version` and the `node` version. */
  readonly buildInfo: Gauge<"version" | "node">;
}

/** Options of {@link createReceiptsMetrics}. */
export interface ReceiptsMetricsOptions {
  /** Registry to register on. @default a new Registry with the default Node metrics */
  registry?: Registry;
}

/** Builds the metrics on a registry, each created once. */
export function createReceiptsMetrics(options: ReceiptsMetricsOptions = {}): ReceiptsMetrics {
  const { registry, buildInfo } = createAppRegistry({
    registry: options.registry,
    app: "the receipts app",
    packageJson: new URL("../package.json", import.meta.url),
  });
  const registers = [registry];
  return {
    registry,
    reports: new Counter({
      name: "sms_dlr_reports_total",
      help: "Delivery reports heard for the first time, by delivery state",
      labelNames: ["status"],
      registers,
    }),
    duplicates: new Counter({
      name: "sms_dlr_duplicates_total",
      help: "Delivery reports seen before (replays, KPN retries), which changed nothing",
      registers,
    }),
    unmatched: new Counter({
      name: "sms_dlr_unmatched_total",
      help: "Delivery reports whose reference and recipient match no SMS",
      registers,
    }),
    refused: new Counter({
      name: "sms_dlr_refused_total",
      help: "Webhook requests refused, by cause (signature, size, body)",
      labelNames: ["cause"],
      registers,
    }),
    finalReportSeconds: new Histogram({
      name: "sms_dlr_final_report_seconds",
      help: "Seconds from the send to the delivery report that made the SMS's state final",
      buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 14_400, 86_400],
      registers,
    }),
    callbacksEnqueued: new Counter({
      name: "sms_dlr_callbacks_enqueued_total",
      help: "Delivery status events put on the sms-callback queue for SMS with a callbackUrl (an event added again counts again; the queue keeps one)",
      registers,
    }),
    buildInfo,
  };
}
