import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { waitFor } from "@sms-relay/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { kpnReport, TO, useReceipts } from "./helpers.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const h = useReceipts({ tracer: provider.getTracer("sms-relay-receipts") });
beforeEach(() => exporter.reset());

// As the worker writes them with traces on: its job span and its request span.
const JOB_SPAN = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const REQUEST_SPAN = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

async function reportSpans(count: number) {
  await waitFor(() => exporter.getFinishedSpans().length >= count, {
    timeoutMs: 5000,
    description: `${count} report spans`,
  });
  return exporter.getFinishedSpans();
}

describe("delivery report spans", () => {
  it("continue the SMS's trace from its job span, linked to the request's span", async () => {
    const reference = await h.sentSms(
      { [TO]: "job-1" },
      { tp: REQUEST_SPAN, "tp:job-1": JOB_SPAN },
    );
    expect((await h.post(reference, kpnReport({ Status: 1 }))).status).toBe(204);
    const [span] = await reportSpans(1);
    expect(span?.name).toBe("delivery report");
    expect(span?.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(span?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    expect(span?.links.map((link) => link.context)).toMatchObject([
      { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" },
    ]);
    expect(span?.attributes).toEqual({
      "sms_relay.sms_id": "job-1",
      "sms_relay.report_outcome": "stored",
      "sms_relay.delivery_state": "delivered",
      "sms_relay.kpn_status": 1,
      "sms_relay.report_state": "delivered",
    });
    expect(JSON.stringify(span?.attributes)).not.toContain("12345678");
  });

  it("start a trace of their own when the worker kept no trace context", async () => {
    const reference = await h.sentSms({ [TO]: "job-2" });
    expect((await h.post(reference, kpnReport({ Status: 4, ErrorCode: "012" }))).status).toBe(204);
    const [span] = await reportSpans(1);
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.links).toEqual([]);
    expect(span?.attributes).toMatchObject({
      "sms_relay.sms_id": "job-2",
      "sms_relay.delivery_state": "failed",
    });
  });

  it("are not made for a report that matches no SMS", async () => {
    const reference = await h.sentSms({ "+31687654321": "job-3" });
    expect((await h.post(reference, kpnReport({ Status: 1 }))).status).toBe(204);
    const matched = await h.sentSms({ [TO]: "job-4" });
    expect((await h.post(matched, kpnReport({ Status: 1 }))).status).toBe(204);
    const spans = await reportSpans(1);
    expect(spans.map((span) => span.attributes["sms_relay.sms_id"])).toEqual(["job-4"]);
  });
});
