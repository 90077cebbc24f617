import { readDelivery } from "@sms-relay/producer";
import { describe, expect, it } from "vitest";
import { AT, kpnReport, metricValue, TO, useReceipts } from "./helpers.js";

const h = useReceipts();

describe("a signed delivery report", () => {
  it("is answered 204 and its state is readable by readDelivery", async () => {
    const reference = await h.sentSms({ [TO]: "job-1" });
    const response = await h.post(reference, kpnReport({ Status: 1, ErrorCode: "000" }));
    expect(response.status).toBe(204);
    expect(await readDelivery(h.client(), h.prefix, "job-1")).toEqual({
      state: "delivered",
      code: "000",
      reportedAt: new Date(AT * 1000).toISOString(),
    });
    expect(await metricValue(h.url(), 'sms_dlr_reports_total{status="delivered"}')).toBe(1);
  });

  it("takes an array of reports for several recipients of one request", async () => {
    const other = "+31687654321";
    const reference = await h.sentSms({ [TO]: "job-a", [other]: "job-b" });
    const response = await h.post(reference, [
      kpnReport({ Status: 1 }),
      kpnReport({ RecipientPhonenumber: other, Status: 4, ErrorCode: "012" }),
    ]);
    expect(response.status).toBe(204);
    expect((await readDelivery(h.client(), h.prefix, "job-a")).state).toBe("delivered");
    expect(await readDelivery(h.client(), h.prefix, "job-b")).toMatchObject({
      state: "failed",
      code: "012",
    });
  });

  it.each([
    [
      "KPN's own names",
      {
        DLRID: "x1",
        document_id: "d",
        RecipientPhonenumber: "+31612345678",
        Status: 1,
        StatusDateTime: AT,
      },
    ],
    [
      "camelCase",
      {
        dlrId: "x2",
        documentId: "d",
        recipient: "0612345678",
        status: "1",
        statusDateTime: AT * 1000,
      },
    ],
    [
      "snake_case",
      {
        dlr_id: "x3",
        document_id: "d",
        mobile_number: "0031612345678",
        status: 1,
        status_date_time: String(AT),
      },
    ],
    [
      "PascalCase",
      { DlrId: "x4", DocumentId: "d", Recipient: "31612345678", Status: "1", StatusDateTime: AT },
    ],
    [
      "spaced and dashed numbers",
      { DLRID: "x5", RecipientPhonenumber: "+31 (0)6-1234 5678", Status: 1, StatusDateTime: AT },
    ],
    ["dotted numbers", { DLRID: "x6", recipient: "06.12.34.56.78", STATUS: 1, StatusDateTime: AT }],
  ])("reads %s", async (_name, report) => {
    const jobId = `job-${(report as Record<string, unknown>).DLRID ?? Math.random()}`.replace(
      /[^\w-]/g,
      "",
    );
    const reference = await h.sentSms({ [TO]: jobId });
    expect((await h.post(reference, report)).status).toBe(204);
    expect(await readDelivery(h.client(), h.prefix, jobId)).toMatchObject({
      state: "delivered",
      reportedAt: new Date(AT * 1000).toISOString(),
    });
  });

  it("stores the usable reports of an array and skips the others", async () => {
    const reference = await h.sentSms({ [TO]: "job-mixed" });
    const response = await h.post(reference, [{ Status: 1 }, kpnReport({ Status: 1 }), "junk"]);
    expect(response.status).toBe(204);
    expect((await readDelivery(h.client(), h.prefix, "job-mixed")).state).toBe("delivered");
  });

  it("records the time from send to final report when the reference carries sentAt", async () => {
    const reference = await h.sentSms({ [TO]: "job-timed" }, { sentAt: String(AT * 1000 - 7000) });
    const before = await metricValue(h.url(), "sms_dlr_final_report_seconds_count");
    expect((await h.post(reference, kpnReport({ Status: 2 }))).status).toBe(204);
    expect((await h.post(reference, kpnReport({ Status: 1 }))).status).toBe(204);
    expect(await metricValue(h.url(), "sms_dlr_final_report_seconds_count")).toBe(before + 1);
    expect(await metricValue(h.url(), "sms_dlr_final_report_seconds_sum")).toBeGreaterThanOrEqual(
      7,
    );
  });

  it("answers /healthz and /readyz while Redis is up", async () => {
    expect((await fetch(`${h.url()}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url()}/readyz`)).status).toBe(200);
  });
});
