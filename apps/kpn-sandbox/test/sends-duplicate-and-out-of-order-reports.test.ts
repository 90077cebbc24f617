import { afterEach, describe, expect, it } from "vitest";
import type { SandboxDeliveryReports } from "../src/index.js";
import { type ReportReceiver, startReportReceiver } from "./support/report-receiver.js";
import { startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

const TWO_RECIPIENTS = [{ content: "a", mobile_number: "0612345678,0687654321" }];

describe("pending, duplicate and out-of-order reports", () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((part) => part.close()));
  });

  async function run(
    deliveryReports: SandboxDeliveryReports,
    expected: number,
  ): Promise<{ t: TestSandbox; receiver: ReportReceiver }> {
    const receiver = await startReportReceiver();
    const t = await startSandbox({ deliveryReports });
    open.push(t, receiver);
    await t.sendStatus(validBody({ webhook_url: `${receiver.url}/r`, messages: TWO_RECIPIENTS }));
    await receiver.waitFor(expected);
    await t.sandbox.reportsSettled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.arrivals).toHaveLength(expected);
    return { t, receiver };
  }

  function byRecipient(receiver: ReportReceiver, recipient: string) {
    return receiver.arrivals
      .flatMap((arrival) => arrival.reports)
      .filter((report) => report.RecipientPhonenumber === recipient);
  }

  it("sends a pending report before the final one", async () => {
    const { receiver } = await run({ pendingShare: 1, pendingStatus: 3 }, 4);
    for (const recipient of ["+31612345678", "+31687654321"]) {
      const [pending, final] = byRecipient(receiver, recipient);
      expect(pending).toMatchObject({ Status: 3, StatusDescription: "Accepted", ErrorCode: "000" });
      expect(final).toMatchObject({ Status: 1 });
      expect(pending?.DLRID).not.toBe(final?.DLRID);
      expect(pending?.StatusDateTime).toBeLessThan(final?.StatusDateTime ?? 0);
    }
  });

  it("sends the pending report after the final one when out of order", async () => {
    const { t, receiver } = await run({ outOfOrderShare: 1 }, 4);
    for (const recipient of ["+31612345678", "+31687654321"]) {
      const [final, pending] = byRecipient(receiver, recipient);
      expect(final).toMatchObject({ Status: 1 });
      expect(pending).toMatchObject({ Status: 2, StatusDescription: "Queued" });
      // It happened first: its time says so, though it arrived later.
      expect(pending?.StatusDateTime).toBeLessThan(final?.StatusDateTime ?? 0);
    }
    expect(t.sandbox.sentReports().map((r) => r.kind)).toEqual([
      "final",
      "pending",
      "final",
      "pending",
    ]);
  });

  it("sends the same final report twice, with the same DLRID, as a duplicate", async () => {
    const { t, receiver } = await run({ duplicateShare: 1 }, 4);
    for (const recipient of ["+31612345678", "+31687654321"]) {
      const [first, second] = byRecipient(receiver, recipient);
      expect(second).toEqual(first);
    }
    const raws = receiver.arrivals.map((a) => a.raw);
    expect(new Set(raws).size).toBe(2);
    expect(t.sandbox.sentReports().map((r) => r.duplicate)).toEqual([false, true, false, true]);
    // A duplicate is one more report, not one more outcome.
    expect(t.sandbox.reportOutcomes()).toHaveLength(2);
  });

  it("sends duplicates and out-of-order reports in the share configured, as the seed decides", async () => {
    const receiver = await startReportReceiver();
    const t = await startSandbox({
      deliveryReports: { duplicateShare: 0.25, outOfOrderShare: 0.25, pendingShare: 0.25, seed: 3 },
    });
    open.push(t, receiver);
    const numbers = Array.from({ length: 100 }, (_, i) => `06${String(20_000_000 + i)}`);
    await t.sendStatus(
      validBody({
        webhook_url: `${receiver.url}/r`,
        messages: [{ content: "a", mobile_number: numbers.join(",") }],
      }),
    );
    await t.sandbox.reportsSettled();
    const sent = t.sandbox.sentReports();
    const duplicates = sent.filter((r) => r.duplicate).length;
    const pendings = sent.filter((r) => r.kind === "pending");
    expect(duplicates).toBeGreaterThan(10);
    expect(duplicates).toBeLessThan(40);
    expect(pendings.length).toBeGreaterThan(30);
    expect(pendings.length).toBeLessThan(70);
    expect(receiver.arrivals).toHaveLength(sent.length);
    // What the receiver saw per recipient is the order the sandbox planned.
    for (const number of numbers.slice(0, 20)) {
      const recipient = `+31${number.slice(1)}`;
      const planned = t.sandbox.sentReports({ recipient }).map((r) => r.report.DLRID);
      expect(byRecipient(receiver, recipient).map((r) => r.DLRID)).toEqual(planned);
    }
  });

  it("puts a recipient's pending report and final one in successive array bodies when batched", async () => {
    const { receiver } = await run({ batch: true, pendingShare: 1 }, 2);
    expect(receiver.arrivals.map((a) => a.reports.map((r) => r.Status))).toEqual([
      [2, 2],
      [1, 1],
    ]);
    expect(receiver.arrivals.every((a) => a.isArray && a.verified)).toBe(true);
  });
});
