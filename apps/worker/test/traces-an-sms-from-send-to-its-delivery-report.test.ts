import { SpanKind, trace } from "@opentelemetry/api";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { deliveryKeys, SmsProducer } from "@sms-relay/producer";
import { createReceiptsServer } from "@sms-relay/receipts";
import { startTracing, type Tracing } from "@sms-relay/runtime";
import { freePort, waitFor } from "@sms-relay/testing";
import { BullMQOtel } from "bullmq-otel";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Stack, useWorkerStack } from "./support/stack.js";

// The real SDK start-up, with spans kept in memory instead of sent over OTLP.
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(async () => {
  tracing = await startTracing({
    serviceName: "sms-relay-test",
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
});
afterAll(async () => {
  await tracing?.shutdown();
});
beforeEach(() => exporter.reset());

const stacks = useWorkerStack();
const shop = trace.getTracer("shop");

/** A stack whose sandbox reports delivery to a receipts app, with traces on or off. */
async function deliveringStack(label: string, traced: boolean, env: Record<string, string> = {}) {
  const port = await freePort();
  const stack = await stacks.start({
    label,
    deliveryReports: { timeScale: 0.001 },
    env: {
      SMS_DLR_URL: `http://127.0.0.1:${port}/kpn/dlr`,
      // Only switches traces on: the spans go where the test's SDK sends them.
      ...(traced ? { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" } : {}),
      ...env,
    },
  });
  const redis = new Redis(stacks.redis.url);
  const receipts = createReceiptsServer({
    redis,
    prefix: stack.config.queuePrefix,
    keys: [{ id: "sandbox-key", secret: "sandbox-webhook-secret" }],
    logger: pino({ level: "silent" }),
    ...(traced ? { tracer: trace.getTracer("sms-relay-receipts") } : {}),
  });
  await receipts.listen(port, "127.0.0.1");
  const producer = new SmsProducer({
    connection: stacks.redis.url,
    prefix: stack.config.queuePrefix,
    maxContentLength: stack.config.kpnMaxContentLength,
    defaultSender: "RelayTest",
    ...(traced ? { telemetry: new BullMQOtel({ tracerName: "shop" }) } : {}),
  });
  return {
    stack,
    redis,
    producer,
    async close() {
      await producer.close();
      await receipts.close();
      redis.disconnect();
    },
  };
}

async function delivered(stack: Stack, producer: SmsProducer, ids: string[]) {
  await waitFor(
    async () => {
      for (const id of ids) {
        if ((await producer.status(id)).delivery.state !== "delivered") return false;
      }
      return true;
    },
    { timeoutMs: 20_000, description: "every SMS delivered" },
  );
  await stack.api.sandbox.reportsSettled(10_000);
}

const spansNamed = (name: string) =>
  exporter.getFinishedSpans().filter((span) => span.name === name);

function only(spans: ReadableSpan[], what: string): ReadableSpan {
  expect(spans, what).toHaveLength(1);
  return spans[0]!;
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** Every attribute value of every span, for checks that no number or text leaks. */
const attributeText = () =>
  JSON.stringify(exporter.getFinishedSpans().map((span) => span.attributes));

describe("traces", () => {
  it("follow one SMS in one trace: send(), its job, the KPN request and its delivery report", async () => {
    const run = await deliveringStack("trace-one", true);
    try {
      const { id, traceId } = await shop.startActiveSpan("checkout", async (span) => {
        const receipt = await run.producer.send({ to: "0612345678", content: "Uw code is 4711" });
        span.end();
        return { id: receipt.id, traceId: span.spanContext().traceId };
      });
      await delivered(run.stack, run.producer, [id]);
      await waitFor(() => spansNamed("delivery report").length > 0, {
        timeoutMs: 5000,
        description: "the delivery report's span",
      });

      const add = only(spansNamed("add sms.sms"), "the producer's add");
      const job = only(spansNamed("process sms"), "the worker's job span");
      const request = only(spansNamed("kpn send"), "the KPN request span");
      const report = only(spansNamed("delivery report"), "the receipts app's report span");
      for (const span of [add, job, request, report]) {
        expect(span.spanContext().traceId, span.name).toBe(traceId);
      }
      expect(add.kind).toBe(SpanKind.PRODUCER);
      expect(job.kind).toBe(SpanKind.CONSUMER);
      expect(parentOf(job)).toBe(add.spanContext().spanId);
      expect(request.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(request)).toBe(job.spanContext().spanId);
      expect(request.attributes).toMatchObject({
        "sms_relay.sms_count": 1,
        "sms_relay.job_ids": [id],
        "sms_relay.document_id": expect.any(String),
      });
      expect(parentOf(report)).toBe(job.spanContext().spanId);
      expect(report.links.map((link) => link.context.spanId)).toEqual([
        request.spanContext().spanId,
      ]);
      expect(report.attributes).toMatchObject({
        "sms_relay.sms_id": id,
        "sms_relay.delivery_state": "delivered",
        "sms_relay.report_outcome": "stored",
        "sms_relay.kpn_status": 1,
      });
      expect(attributeText()).not.toMatch(/12345678|Uw code/);
    } finally {
      await run.close();
    }
  });

  it("give a shared request one span, a child of one SMS's job and linked from the others", async () => {
    const run = await deliveringStack("trace-batch", true, {
      SMS_BATCH_SIZE: "50",
      SMS_BATCH_WAIT_MS: "300",
    });
    try {
      // Each SMS in a trace of its own, as separate checkouts would be.
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          shop.startActiveSpan(`checkout ${index}`, async (span) => {
            const receipt = await run.producer.send({
              to: `+316123456${String(index).padStart(2, "0")}`,
              content: `Bestelling ${index}`,
            });
            span.end();
            return { id: receipt.id, traceId: span.spanContext().traceId };
          }),
        ),
      );
      await delivered(
        run.stack,
        run.producer,
        sent.map((entry) => entry.id),
      );
      await waitFor(() => spansNamed("delivery report").length >= sent.length, {
        timeoutMs: 5000,
        description: "a report span for every SMS",
      });

      const jobs = spansNamed("process sms");
      expect(jobs).toHaveLength(sent.length);
      const jobOf = new Map(jobs.map((job) => [job.attributes["bullmq.job.id"], job]));
      const requests = spansNamed("kpn send");
      expect(requests.length, "fewer requests than SMS").toBeLessThan(sent.length);
      for (const request of requests) {
        const carried = (request.attributes["sms_relay.job_ids"] as string[]).map((id) =>
          jobOf.get(id),
        );
        expect(carried).toHaveLength(request.attributes["sms_relay.sms_count"] as number);
        // A child of the first SMS's job, in its trace; linked from every other SMS's job.
        const [first, ...others] = carried;
        expect(parentOf(request)).toBe(first?.spanContext().spanId);
        expect(request.spanContext().traceId).toBe(first?.spanContext().traceId);
        expect(request.links.map((link) => link.context.spanId)).toEqual(
          others.map((job) => job?.spanContext().spanId),
        );
      }

      for (const { id, traceId } of sent) {
        const job = jobOf.get(id);
        expect(job?.spanContext().traceId, `the job span of ${id}`).toBe(traceId);
        const report = only(
          spansNamed("delivery report").filter(
            (span) => span.attributes["sms_relay.sms_id"] === id,
          ),
          `the report span of ${id}`,
        );
        expect(report.spanContext().traceId).toBe(traceId);
        expect(parentOf(report)).toBe(job?.spanContext().spanId);
        const request = requests.find((span) =>
          (span.attributes["sms_relay.job_ids"] as string[]).includes(id),
        );
        expect(report.links.map((link) => link.context.spanId)).toEqual([
          request?.spanContext().spanId,
        ]);
      }
    } finally {
      await run.close();
    }
  });

  it("are not made, and nothing is kept for them in Redis, without OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    const run = await deliveringStack("trace-off", false);
    try {
      // Even inside a traced caller, with an SDK in the process: the worker sets nothing up.
      const id = await shop.startActiveSpan("checkout", async (span) => {
        const receipt = await run.producer.send({ to: "0612345678", content: "Hallo" });
        span.end();
        return receipt.id;
      });
      await delivered(run.stack, run.producer, [id]);
      const names = exporter.getFinishedSpans().map((span) => span.name);
      expect(names).toEqual(["checkout"]);
      const job = await run.stack.sms.getJob(id);
      expect(job?.opts).not.toHaveProperty("telemetry");

      const prefix = run.stack.config.queuePrefix;
      const references = await run.redis.keys(`${deliveryKeys(prefix).reference("*")}`);
      expect(references).toHaveLength(1);
      const fields = Object.keys(await run.redis.hgetall(references[0]!));
      expect(fields.filter((field) => field.startsWith("tp"))).toEqual([]);
      expect(fields).toContain("+31612345678");
    } finally {
      await run.close();
    }
  });
});
