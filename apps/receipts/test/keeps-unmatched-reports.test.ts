import { deliveryKeys } from "@sms-relay/producer";
import { describe, expect, it } from "vitest";
import { kpnReport, metricValue, TO, useReceipts } from "./helpers.js";

const h = useReceipts();

describe("a report that matches no SMS", () => {
  it("is answered 204, kept in the unmatched list with the number masked, and counted", async () => {
    const reference = await h.sentSms({ [TO]: "job-known" });
    const unknownReference = "AAAAAAAAAAAAAAAAAAAAAA";
    expect((await h.post(unknownReference, kpnReport({ DLRID: "u1" }))).status).toBe(204);
    const stranger = kpnReport({ DLRID: "u2", RecipientPhonenumber: "0687654321" });
    expect((await h.post(reference, stranger)).status).toBe(204);

    const entries = (await h.client().lrange(deliveryKeys(h.prefix).unmatched, 0, -1)).map(
      (entry) => JSON.parse(entry),
    );
    expect(entries).toEqual([
      expect.objectContaining({ reference, recipient: "+316****4321", dlrId: "u2", status: 1 }),
      expect.objectContaining({
        reference: unknownReference,
        recipient: "+316****5678",
        dlrId: "u1",
      }),
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/87654321|12345678/);
    expect(await metricValue(h.url(), "sms_dlr_unmatched_total")).toBe(2);

    // KPN's retry of the same report does not fill the list.
    expect((await h.post(reference, stranger)).status).toBe(204);
    expect(await h.client().llen(deliveryKeys(h.prefix).unmatched)).toBe(2);
    expect(await metricValue(h.url(), "sms_dlr_unmatched_total")).toBe(2);
  });
});
