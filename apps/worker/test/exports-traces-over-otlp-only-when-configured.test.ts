import { createServer, type Server } from "node:http";
import { createSandbox, type KpnSandbox } from "@sms-relay/kpn-sandbox";
import { SmsProducer } from "@sms-relay/producer";
import { closeHttp, listenHttp } from "@sms-relay/runtime";
import { freePort, startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseWorkerEnv, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from "./support/rig.js";
import { killAllWorkers, spawnWorker, type WorkerProcess } from "./support/worker-process.js";

/** A span as the OTLP/HTTP exporter sends it (JSON). */
interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** A stand-in OpenTelemetry collector: takes OTLP/HTTP JSON on `/v1/traces` and keeps it. */
async function startCollector() {
  const spans: { service: string; span: OtlpSpan }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "POST" && request.url === "/v1/traces") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: OtlpSpan[] }[];
          }[];
        };
        for (const resourceSpans of body.resourceSpans) {
          const service =
            resourceSpans.resource.attributes.find((a) => a.key === "service.name")?.value
              .stringValue ?? "";
          for (const scope of resourceSpans.scopeSpans) {
            for (const span of scope.spans) spans.push({ service, span });
          }
        }
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const { url } = await listenHttp(server, 0, "127.0.0.1");
  return { url, spans, close: () => closeHttp(server) };
}

describe("the worker process and OpenTelemetry", () => {
  let redis: TestRedis;
  let sandbox: KpnSandbox;
  let sandboxUrl: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = createSandbox({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
    sandboxUrl = (await sandbox.listen(0)).url;
    collector = await startCollector();
  });
  afterAll(async () => {
    await killAllWorkers();
    await collector?.close();
    await sandbox?.close();
    await redis?.close();
  });

  async function run(label: string, otelEnv: Record<string, string>) {
    const prefix = redis.uniquePrefix(label);
    const worker: WorkerProcess = spawnWorker(
      label,
      { ...baseWorkerEnv(redis.url, prefix, sandboxUrl), LOG_LEVEL: "info", ...otelEnv },
      await freePort(),
    );
    await worker.ready();
    const producer = new SmsProducer({ connection: redis.url, prefix });
    try {
      const { id } = await producer.send({ to: "0612345678", content: "Uw code is 4711" });
      await waitFor(async () => (await producer.status(id)).state === "sent", {
        timeoutMs: 15_000,
        description: `SMS ${id} sent`,
      });
      return { worker, id };
    } finally {
      await producer.close();
    }
  }

  it("sends its spans to OTEL_EXPORTER_OTLP_ENDPOINT, the last ones on SIGTERM", async () => {
    const { worker, id } = await run("otlp-on", {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    });
    worker.signal("SIGTERM");
    expect((await worker.exited).code, worker.describe()).toBe(0);
    await waitFor(() => collector.spans.some(({ span }) => span.name === "kpn send"), {
      timeoutMs: 5000,
      description: `the spans at the collector (${worker.describe()})`,
    });
    const ours = collector.spans.filter(({ service }) => service === "sms-relay-worker");
    const job = ours.find(({ span }) => span.name === "process sms")?.span;
    const request = ours.find(({ span }) => span.name === "kpn send")?.span;
    expect(job).toBeDefined();
    expect(request?.traceId).toBe(job?.traceId);
    expect(request?.parentSpanId).toBe(job?.spanId);
    expect(JSON.stringify(request?.attributes)).toContain(id);
    // Neither the number nor the text in any attribute (ids and timestamps are digits too).
    const attributes = JSON.stringify(collector.spans.map(({ span }) => span.attributes ?? []));
    expect(attributes).not.toMatch(/12345678|Uw code/);
    expect(worker.logs.some((line) => line.msg === "traces: exporting over OTLP")).toBe(true);
  });

  it("starts no SDK without it, whatever other OTEL_* variables say", async () => {
    const before = collector.spans.length;
    const { worker } = await run("otlp-off", {
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: "50",
    });
    worker.signal("SIGTERM");
    expect((await worker.exited).code, worker.describe()).toBe(0);
    expect(collector.spans.length).toBe(before);
    expect(worker.logs.some((line) => String(line.msg).startsWith("traces:"))).toBe(false);
  });
});
