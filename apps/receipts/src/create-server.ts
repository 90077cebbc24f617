import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Tracer } from "@opentelemetry/api";
import {
  deliveryStateOfKpnStatus,
  PRODUCER_DEFAULTS,
  recordDeliveryReports,
} from "@sms-relay/producer";
import { closeHttp, createLogThrottle, listenHttp } from "@sms-relay/runtime";
import { maskMobileNumber } from "@sms-relay/sms";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import { createDeliveryCallbacks, type DeliveryCallbackInput } from "./delivery-callbacks.js";
import { createReceiptsMetrics, type ReceiptsMetrics, type RefusalCause } from "./metrics.js";
import { parseDeliveryReports, ReportBodyError } from "./parse-reports.js";
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from "./read-body.js";
import { traceDeliveryReports } from "./report-spans.js";
import { signatureMatches, type WebhookKey } from "./webhook-keys.js";

/** Options of {@link createReceiptsServer}. */
export interface ReceiptsServerOptions {
  /** Where reports are recorded; not closed by the server. */
  redis: Redis | Cluster;
  /** BullMQ prefix of the worker's queues. @default "bull" */
  prefix?: string;
  /** Accepted signing keys; `false` accepts unsigned reports (`RECEIPTS_VERIFY=off`). */
  keys: readonly WebhookKey[] | false;
  logger: Logger;
  /** @default new metrics on a new registry */
  metrics?: ReceiptsMetrics;
  /** Largest body accepted, in bytes. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /**
   * With `OTEL_EXPORTER_OTLP_ENDPOINT`: a span per recorded report, continuing its SMS's trace.
   * @default no spans, and no read of the worker's trace contexts
   */
  tracer?: Tracer;
}

/** The receipts HTTP server, built but not yet listening. */
export interface ReceiptsServer {
  readonly server: Server;
  readonly metrics: ReceiptsMetrics;
  /** Starts listening (port 0 picks a free one); resolves to the base URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops listening, ends open connections, and lets go of the callback queue. */
  close(): Promise<void>;
}

const DLR_PATH = /^\/kpn\/dlr\/([A-Za-z0-9_-]{1,128})\/?$/;

function answer(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(JSON.stringify(body));
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `POST /kpn/dlr/:reference` (KPN's delivery-report webhook), `GET /healthz`, `GET /readyz`
 * (503 while Redis is unreachable) and `GET /metrics`. A report is answered 204 only once it is
 * in Redis; 401 (signature), 400 (no usable report) and 413 (over 1 MiB) store nothing; a Redis
 * failure answers 503 so that KPN retries.
 */
export function createReceiptsServer(options: ReceiptsServerOptions): ReceiptsServer {
  const { redis, keys, logger } = options;
  const prefix = options.prefix ?? PRODUCER_DEFAULTS.prefix;
  const metrics = options.metrics ?? createReceiptsMetrics();
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const throttle = createLogThrottle({ intervalMs: 10_000 });
  const callbacks = createDeliveryCallbacks({ redis, prefix });

  function refuse(response: ServerResponse, status: number, cause: RefusalCause, reason: string) {
    metrics.refused.inc({ cause });
    throttle(`refused-${cause}`, (suppressed) =>
      logger.warn({ cause, status, suppressed }, `delivery report refused: ${reason}`),
    );
    // Close the connection after a refusal of the size, since the rest of that body is not read.
    if (cause === "size") response.setHeader("connection", "close");
    answer(response, status, { code: `RECEIPTS_REFUSED_${cause.toUpperCase()}`, error: reason });
  }

  async function receive(request: IncomingMessage, response: ServerResponse, reference: string) {
    const startedAt = Date.now();
    let body: Buffer;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        refuse(response, 413, "size", `body over ${maxBodyBytes} bytes`);
      } else {
        response.destroy();
      }
      return;
    }
    if (
      keys !== false &&
      !signatureMatches(
        keys,
        header(request, "x-kpn-webhook-key-id"),
        header(request, "x-kpn-webhook-signature"),
        body,
      )
    ) {
      refuse(response, 401, "signature", "missing or wrong X-KPN-Webhook-Signature");
      return;
    }
    let parsed: ReturnType<typeof parseDeliveryReports>;
    try {
      parsed = parseDeliveryReports(body);
    } catch (error) {
      if (!(error instanceof ReportBodyError)) throw error;
      refuse(response, 400, "body", error.message);
      return;
    }
    if (parsed.skipped.length > 0) {
      logger.warn({ reference, skipped: parsed.skipped }, "delivery reports skipped");
    }
    let outcomes: Awaited<ReturnType<typeof recordDeliveryReports>>;
    try {
      outcomes = await recordDeliveryReports(redis, prefix, reference, parsed.reports);
    } catch (error) {
      throttle("redis", (suppressed) =>
        logger.error(
          { err: { message: (error as Error).message }, suppressed },
          "delivery reports not stored: Redis failed (answered 503, KPN retries)",
        ),
      );
      answer(response, 503, { code: "RECEIPTS_UNAVAILABLE", error: "reports not stored" });
      return;
    }
    // Each SMS that asked for status callbacks gets the event of its state now. Also for a
    // duplicate: a body retried because its events failed to enqueue enqueues them then.
    let callbackInputs: DeliveryCallbackInput[] | undefined;
    for (let index = 0; index < outcomes.length; index++) {
      const outcome = outcomes[index]!;
      if (outcome.result !== "unmatched" && outcome.callback && outcome.jobId) {
        const to = parsed.reports[index]!.recipient;
        callbackInputs ??= [];
        callbackInputs.push({ jobId: outcome.jobId, to, source: outcome.callback });
      }
    }
    if (callbackInputs !== undefined) {
      try {
        metrics.callbacksEnqueued.inc(await callbacks.enqueue(callbackInputs));
      } catch (error) {
        throttle("callbacks", (suppressed) =>
          logger.error(
            { err: { message: (error as Error).message }, suppressed },
            "delivery reports stored, but their status callbacks not enqueued (answered 503, KPN retries)",
          ),
        );
        answer(response, 503, { code: "RECEIPTS_UNAVAILABLE", error: "callbacks not enqueued" });
        return;
      }
    }
    const debugEnabled = logger.isLevelEnabled("debug");
    for (let index = 0; index < outcomes.length; index++) {
      const outcome = outcomes[index]!;
      const report = parsed.reports[index]!;
      if (outcome.result === "duplicate") {
        metrics.duplicates.inc();
        continue;
      }
      metrics.reports.inc({ status: deliveryStateOfKpnStatus(report.status) ?? "unknown" });
      if (outcome.result === "unmatched") {
        metrics.unmatched.inc();
        logger.info(
          { reference, to: maskMobileNumber(report.recipient), status: report.status },
          "delivery report matches no SMS",
        );
        continue;
      }
      if (
        outcome.result === "stored" &&
        outcome.becameFinal &&
        outcome.sentAt !== undefined &&
        report.statusDateTime !== undefined
      ) {
        const seconds = (report.statusDateTime - outcome.sentAt) / 1000;
        if (seconds >= 0) metrics.finalReportSeconds.observe(seconds);
      }
      // Checked first: masking the number for a line that is not written costs on every report.
      if (debugEnabled) {
        logger.debug(
          {
            reference,
            jobId: outcome.jobId,
            to: maskMobileNumber(report.recipient),
            state: outcome.state,
          },
          "delivery report recorded",
        );
      }
    }
    answer(response, 204);
    // After the answer: KPN does not wait for the spans, and a failed read costs only them.
    if (options.tracer) {
      traceDeliveryReports(redis, prefix, options.tracer, {
        reference,
        reports: parsed.reports,
        outcomes,
        startedAt,
      }).catch((error: unknown) =>
        throttle("traces", (suppressed) =>
          logger.warn(
            { err: { message: (error as Error).message }, suppressed },
            "delivery report spans not made: the trace contexts could not be read",
          ),
        ),
      );
    }
  }

  const server = createServer((request, response) => {
    const url = request.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    const dlr = DLR_PATH.exec(path);
    if (dlr) {
      if (request.method !== "POST") {
        answer(response, 405, { code: "RECEIPTS_METHOD", error: "use POST" });
        return;
      }
      receive(request, response, dlr[1]!).catch((error: unknown) => {
        logger.error({ err: { message: String(error) } }, "delivery report handling failed");
        if (!response.headersSent) answer(response, 500, { code: "RECEIPTS_INTERNAL" });
      });
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      answer(response, 404, { code: "RECEIPTS_NOT_FOUND" });
      return;
    }
    if (path === "/healthz") {
      answer(response, 200, { status: "ok" });
    } else if (path === "/readyz") {
      if (redis.status === "ready") answer(response, 200, { status: "ready" });
      else answer(response, 503, { status: "not_ready", reason: "redis_disconnected" });
    } else if (path === "/metrics") {
      metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, { "content-type": metrics.registry.contentType });
          response.end(text);
        },
        (error: unknown) => answer(response, 500, { status: "error", message: String(error) }),
      );
    } else {
      answer(response, 404, { code: "RECEIPTS_NOT_FOUND" });
    }
  });
  // It faces the internet: a client that trickles its body does not hold a socket for long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5000;

  return {
    server,
    metrics,
    listen: async (port, host) => (await listenHttp(server, port, host)).url,
    async close() {
      await closeHttp(server);
      await callbacks.close();
    },
  };
}
