import { readDelivery } from "@sms-relay/producer";
import { describe, expect, it } from "vitest";
import { AT, kpnReport, metricValue, TO, useReceipts } from "./helpers.js";

const h = useReceipts();

describe("reports seen before, and reports that come late", () => {
  it("a replay of a genuine signed report changes nothing", async () => {
    const reference = await h.sentSms({ [TO]: "job-replay" });
    const report = kpnReport({ Status: 4, ErrorCode: "012", StatusDateTime: AT });
    expect((await h.post(reference, report)).status).toBe(204);
    const stateKey = `${h.prefix}:sms:dlr:state:job-replay`;
    const before = await h.client().hgetall(stateKey);
    const duplicatesBefore = await metricValue(h.url(), "sms_dlr_duplicates_total");
    for (let attempt = 2; attempt <= 4; attempt += 1) {
      const again = await h.post(reference, report, {
        headers: { "x-kpn-webhook-attempt": String(attempt) },
      });
      expect(again.status).toBe(204);
    }
    expect(await h.client().hgetall(stateKey)).toEqual(before);
    expect(await metricValue(h.url(), "sms_dlr_duplicates_total")).toBe(duplicatesBefore + 3);
  });

  it("a duplicate without DLRID (same reference, recipient, status and time) changes nothing", async () => {
    const reference = await h.sentSms({ [TO]: "job-dup" });
    const report = { RecipientPhonenumber: TO, Status: 1, StatusDateTime: AT, ErrorCode: "000" };
    expect((await h.post(reference, [report, report])).status).toBe(204);
    const changed = { ...report, ErrorCode: "999" };
    expect((await h.post(reference, changed)).status).toBe(204);
    expect(await readDelivery(h.client(), h.prefix, "job-dup")).toMatchObject({
      state: "delivered",
      code: "000",
    });
  });

  it("a pending that arrives after delivered changes nothing", async () => {
    const reference = await h.sentSms({ [TO]: "job-late" });
    expect((await h.post(reference, kpnReport({ Status: 1, StatusDateTime: AT + 5 }))).status).toBe(
      204,
    );
    const late = kpnReport({ Status: 3, StatusDateTime: AT, ErrorCode: undefined });
    expect((await h.post(reference, late)).status).toBe(204);
    expect(await readDelivery(h.client(), h.prefix, "job-late")).toEqual({
      state: "delivered",
      code: "000",
      reportedAt: new Date((AT + 5) * 1000).toISOString(),
    });
  });

  it("the parts of one SMS combine: delivered only once every part is", async () => {
    const reference = await h.sentSms({ [TO]: "job-parts" });
    const state = async () => (await readDelivery(h.client(), h.prefix, "job-parts")).state;
    await h.post(reference, [
      kpnReport({ document_id: "p1", Status: 2 }),
      kpnReport({ document_id: "p2", Status: 2 }),
    ]);
    expect(await state()).toBe("pending");
    await h.post(reference, kpnReport({ document_id: "p1", Status: 1 }));
    expect(await state()).toBe("pending");
    await h.post(reference, kpnReport({ document_id: "p2", Status: 1 }));
    expect(await state()).toBe("delivered");
  });

  it("one failed part makes the SMS failed, whatever the others say", async () => {
    const reference = await h.sentSms({ [TO]: "job-part-failed" });
    await h.post(reference, [
      kpnReport({ document_id: "p1", Status: 1 }),
      kpnReport({ document_id: "p2", Status: 6 }),
      kpnReport({ document_id: "p3", Status: 5, ErrorCode: "021" }),
    ]);
    expect(await readDelivery(h.client(), h.prefix, "job-part-failed")).toMatchObject({
      state: "failed",
      code: "021",
    });
  });
});
