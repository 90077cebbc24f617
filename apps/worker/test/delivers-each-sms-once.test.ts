import { waitFor } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

function contentFor(index: number): string {
  if (index % 5 === 0) {
    return `Bericht ${index}: ${"uw bestelling is onderweg en wordt vandaag bezorgd. ".repeat(4)}Einde.`;
  }
  if (index % 7 === 0) return `Bericht ${index} 🎉 gefeliciteerd met je verjaardag! 👍🏽`;
  if (index % 11 === 0) return `Bericht ${index} ${"🚀 lancering ".repeat(12)}klaar`;
  return `Bericht ${index}: uw code is ${String(100_000 + index)}`;
}

describe("worker end to end", () => {
  it("sends 200 SMS, long ones and emoji ones, each exactly once with its parts in order", async () => {
    const stack = await stacks.start({ label: "e2e" });
    const { producer, api } = stack;
    const inputs = Array.from({ length: 200 }, (_, index) => ({
      to: `06${String(10_000_000 + index).slice(-8)}`,
      content: contentFor(index),
      sender: "RelayTest",
    }));
    const { accepted, rejected } = await producer.sendMany(inputs);
    expect(rejected).toEqual([]);
    expect(accepted).toHaveLength(200);

    await waitFor(
      async () => {
        const counts = await stack.sms.getJobCounts("completed");
        return counts?.completed === 200;
      },
      { timeoutMs: 60_000, description: "200 completed sms jobs" },
    );

    const received = api.sandbox.received();
    expect(received).toHaveLength(200);
    const byNumber = new Map(received.map((send) => [send.messages[0]?.mobileNumber, send]));
    expect(byNumber.size).toBe(200);

    for (const [index, receipt] of accepted.entries()) {
      const input = inputs[index];
      const send = byNumber.get(receipt.to);
      expect(send, `send for ${receipt.to}`).toBeDefined();
      if (!send || !input) continue;
      expect(send.sender).toBe("RelayTest");
      expect(send.messages.every((message) => message.mobileNumber === receipt.to)).toBe(true);
      expect(send.messages).toHaveLength(receipt.parts);
      for (const message of send.messages) expect(message.content.length).toBeLessThanOrEqual(160);
      const joined = send.messages.map((message) => message.content).join("");
      expect(joined.replace(/\s+/g, "")).toBe(input.content.replace(/\s+/g, ""));

      const job = await stack.sms.getJob(receipt.id);
      expect(job?.returnvalue).toEqual({
        documentIds: [send.documentId],
        parts: receipt.parts,
        segments: receipt.segments,
        encoding: receipt.encoding,
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      });
    }
    const long = accepted.filter((receipt) => receipt.parts > 1);
    const emoji = accepted.filter((receipt) => receipt.encoding === "UCS-2");
    expect(long.length).toBeGreaterThan(10);
    expect(emoji.length).toBeGreaterThan(10);

    const first = accepted[0];
    if (!first) throw new Error("no receipt");
    const status = await producer.status(first.id);
    expect(status.state).toBe("sent");
    expect(status.documentIds).toEqual([byNumber.get(first.to)?.documentId]);

    const metrics = await (await fetch(`${stack.worker.healthUrl}/metrics`)).text();
    expect(metrics).toContain("sms_sent_total 200");
    expect(metrics).toContain("kpn_token_requests_total 1");
    expect(api.sandbox.stats().tokenRequests).toBe(1);
  }, 90_000);
});
