import { describe, expect, it } from "vitest";
import { findLogLeaks } from "./support/log-leaks.js";
import { readMetric } from "./support/prometheus.js";
import { busiestWindow, documentIdProblems, readLedger } from "./support/sandbox-ledger.js";

// The reliability tests are only as good as their measurements; these pin the measuring tools.
describe("reliability measurements", () => {
  it("finds the busiest one-second window wherever it starts", () => {
    expect(busiestWindow([])).toEqual({ count: 0, start: 0 });
    // 999 ms apart is one window; 1000 ms apart is two.
    expect(busiestWindow([0, 999]).count).toBe(2);
    expect(busiestWindow([0, 1_000]).count).toBe(1);
    // Fixed windows from 0 and from 1000 see 3 each; the sliding window from 900 sees 5.
    expect(busiestWindow([100, 900, 950, 1_000, 1_100, 1_800]).count).toBe(5);
    expect(busiestWindow([1_800, 100, 950, 900, 1_100, 1_000])).toEqual({ count: 5, start: 900 });
  });

  it("sums every series of a metric and ignores others with a longer name", () => {
    const exposition = [
      "# HELP sms_ambiguous_failures_total Sends that may have gone out",
      "# TYPE sms_ambiguous_failures_total counter",
      'sms_ambiguous_failures_total{kind="timeout"} 3',
      'sms_ambiguous_failures_total{kind="reset",note="a } b"} 2',
      "sms_ambiguous_failures_total_created 1700000000",
      "sms_ambiguous_failures_totalx 9",
      "",
    ].join("\n");
    expect(readMetric(exposition, "sms_ambiguous_failures_total")).toBe(5);
    expect(readMetric("sms_sent_total 4 1700000000000\n", "sms_sent_total")).toBe(4);
    expect(readMetric("", "sms_sent_total")).toBe(0);
  });

  it("sums only the series that carry every label asked for", () => {
    const exposition = [
      'sms_callbacks_total{event="sent",outcome="retried"} 6',
      'sms_callbacks_total{outcome="retried",event="dead"} 4',
      'sms_callbacks_total{event="sent",outcome="delivered"} 1',
      'sms_callbacks_total{event="odd \\"x\\" } y",outcome="refused"} 2',
      "",
    ].join("\n");
    expect(readMetric(exposition, "sms_callbacks_total", { outcome: "retried" })).toBe(10);
    expect(
      readMetric(exposition, "sms_callbacks_total", { event: "dead", outcome: "retried" }),
    ).toBe(4);
    expect(readMetric(exposition, "sms_callbacks_total", { event: 'odd "x" } y' })).toBe(2);
    expect(readMetric(exposition, "sms_callbacks_total", { outcome: "given_up" })).toBe(0);
    expect(readMetric(exposition, "sms_callbacks_total", {})).toBe(13);
  });

  it("counts repeats of a message as duplicates and ties document ids to their messages", () => {
    const send = (documentId: string, content: string) => ({
      documentId,
      path: "/communication/kpn/sms/send",
      sender: "RelayTest",
      messages: [{ content, mobileNumber: "+31612345678" }],
      receivedAt: 0,
      answeredStatus: 200,
    });
    const ledger = readLedger([send("d1", "a"), send("d2", "b"), send("d3", "a"), send("d4", "a")]);
    expect(ledger.duplicates).toBe(2);
    expect(ledger.documentIds.size).toBe(4);
    expect(ledger.arrivals.size).toBe(2);

    const sms = { to: "+31612345678", sender: "RelayTest" };
    expect(
      documentIdProblems(ledger, [
        { id: "1", ...sms, content: "a", documentIds: ["d1", "d3"] },
        { id: "2", ...sms, content: "b", documentIds: ["d2"] },
      ]),
    ).toEqual([]);
    expect(
      documentIdProblems(ledger, [
        { id: "3", ...sms, content: "a", documentIds: ["d2"] },
        { id: "4", ...sms, content: "b", documentIds: ["d9"] },
        { id: "5", ...sms, content: "b", documentIds: [] },
      ]),
    ).toEqual([
      expect.stringContaining("3: d2 belongs to"),
      "4: d9 was never issued",
      "5: no documentIds",
    ]);
  });

  it("finds secrets, full phone numbers and message content in worker output", () => {
    const worker = (lines: Array<Record<string, unknown>>, other: string[] = []) => ({
      name: "w",
      logs: lines,
      otherOutput: other,
    });
    const check = { secrets: ["s3cret"], contentMarker: "your code is" };
    const clean = worker([{ msg: "send failed", to: "+316****5678", status: 503 }]);
    expect(findLogLeaks([clean], check)).toEqual([]);
    const leaky = worker(
      [
        { msg: "send failed", to: "+31612345678" },
        { msg: "hi", content: "your code is 1" },
      ],
      ["token request with s3cret\n", "number 0612345678\n"],
    );
    expect(findLogLeaks([leaky], check).map((finding) => finding.split(" in ")[0])).toEqual([
      "w: phone number",
      "w: message content",
      "w: secret",
      "w: phone number",
    ]);
  });
});
