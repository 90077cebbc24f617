import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** Options of {@link startTracing}. */
export interface TracingOptions {
  /** `service.name` of every span, e.g. `"sms-relay-worker"`; `OTEL_SERVICE_NAME` wins over it. */
  serviceName: string;
  /**
   * Where spans go. @default one batch processor with the OTLP/HTTP exporter, which reads
   * `OTEL_EXPORTER_OTLP_ENDPOINT` and the other standard `OTEL_*` variables itself
   */
  spanProcessors?: SpanProcessor[];
}

/** The OpenTelemetry SDK of this process, started. */
export interface Tracing {
  /** Sends the spans still buffered and stops. Call it last, after the app has closed. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK for traces only (no metrics, no logs, no automatic
 * instrumentation): it registers the global tracer provider, the AsyncLocalStorage context
 * manager and the W3C trace-context propagator, which BullMQ's telemetry (`bullmq-otel`) and our
 * own spans use. Call it once per process, before the app starts, and only when traces are
 * wanted: the SDK is loaded here, so a process without traces never loads it.
 *
 * @example
 * const tracing = config.otelEndpoint ? await startTracing({ serviceName: "sms-relay-worker" }) : undefined;
 * // … on shutdown, after the app: await tracing?.shutdown();
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const [{ NodeSDK, resources }, { OTLPTraceExporter }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
  ]);
  const sdk = new NodeSDK({
    // The default resource with our name; what the SDK detects (OTEL_SERVICE_NAME,
    // OTEL_RESOURCE_ATTRIBUTES, the process, the host) is merged over it.
    resource: resources
      .defaultResource()
      .merge(resources.resourceFromAttributes({ "service.name": options.serviceName })),
    ...(options.spanProcessors
      ? { spanProcessors: options.spanProcessors }
      : { traceExporter: new OTLPTraceExporter() }),
    // Traces only: without these the SDK would also export metrics and logs over OTLP.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
