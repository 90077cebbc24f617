import { waitFor } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import type { SmsProducer, SmsStatus } from "../src/index.js";
import { useRedis } from "./redis-fixture.js";
import { type Outcome, startSimulatedWorker } from "./simulated-worker.js";

const fixture = useRedis();

const input = { to: "0612345678", content: "Hallo!", sender: "MyShop" };

function withWorker(prefix: string, decide: () => Outcome): void {
  const { close } = startSimulatedWorker(fixture.server().url, prefix, decide);
  fixture.onCleanup(close);
}

async function statusOnce(sms: SmsProducer, id: string, state: SmsStatus["state"]) {
  return await waitFor(
    async () => {
      const status = await sms.status(id);
      return status.state === state ? status : undefined;
    },
    { timeoutMs: 15_000, description: `status ${state}` },
  );
}

describe("status", () => {
  it("reports a queued SMS as waiting", async () => {
    const { sms } = fixture.producer();
    const { id } = await sms.send(input);
    expect(await sms.status(id)).toEqual({
      id,
      state: "waiting",
      documentIds: [],
      attemptsMade: 0,
      delivery: { state: "unknown" },
    });
  });

  it("reports a prioritized SMS as waiting", async () => {
    const { sms } = fixture.producer();
    const { id } = await sms.send({ ...input, priority: 3 });
    expect((await sms.status(id)).state).toBe("waiting");
  });

  it("reports an SMS with delayMs as delayed", async () => {
    const { sms } = fixture.producer();
    const { id } = await sms.send({ ...input, delayMs: 60_000 });
    expect((await sms.status(id)).state).toBe("delayed");
  });

  it("reports an unknown id as unknown", async () => {
    const { sms } = fixture.producer();
    expect(await sms.status("no-such-job")).toEqual({
      id: "no-such-job",
      state: "unknown",
      documentIds: [],
      attemptsMade: 0,
      delivery: { state: "unknown" },
    });
  });

  it("reports active with the parts already accepted, then sent", async () => {
    const { sms, prefix } = fixture.producer();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    withWorker(prefix, () => ({ kind: "hold", release: gate, documentIds: ["doc-1"] }));
    const { id } = await sms.send(input);

    const active = await waitFor(
      async () => {
        const status = await sms.status(id);
        return status.state === "active" && status.documentIds.length > 0 ? status : undefined;
      },
      { timeoutMs: 15_000, description: "active with progress" },
    );
    expect(active).toEqual({
      id,
      state: "active",
      documentIds: ["doc-1"],
      attemptsMade: 0,
      delivery: { state: "unknown" },
    });

    release();
    const sent = await statusOnce(sms, id, "sent");
    expect(sent).toMatchObject({ id, state: "sent", documentIds: ["doc-1"], attemptsMade: 1 });
    expect(Date.parse(sent.sentAt ?? "")).not.toBeNaN();
  });

  it("reports sent with the document ids of the result", async () => {
    const { sms, prefix } = fixture.producer();
    withWorker(prefix, () => ({ kind: "send", documentIds: ["d-1", "d-2"] }));
    const { id } = await sms.send(input);
    const sent = await statusOnce(sms, id, "sent");
    expect(sent.documentIds).toEqual(["d-1", "d-2"]);
    expect(sent.lastError).toBeUndefined();
  });

  it("reports retrying with the last error after a failed attempt", async () => {
    const { sms, prefix } = fixture.producer();
    withWorker(prefix, () => ({ kind: "fail-retryable", message: "KPN answered 503" }));
    const { id } = await sms.send(input);
    const retrying = await statusOnce(sms, id, "retrying");
    expect(retrying).toEqual({
      id,
      state: "retrying",
      documentIds: [],
      attemptsMade: 1,
      delivery: { state: "unknown" },
      lastError: "KPN answered 503",
    });
  });

  it("reports dead with the error once the worker dead-letters it", async () => {
    const { sms, prefix } = fixture.producer();
    withWorker(prefix, () => ({
      kind: "dead-letter",
      message: "sender not allowed",
      documentIds: ["part-1"],
    }));
    const { id } = await sms.send(input);
    const dead = await statusOnce(sms, id, "dead");
    expect(dead).toEqual({
      id,
      state: "dead",
      deadReason: "rejected",
      documentIds: ["part-1"],
      attemptsMade: 1,
      delivery: { state: "unknown" },
      lastError: "sender not allowed",
    });
  });

  it("reports dead from the dead-letter record when the sms job is gone", async () => {
    const { sms, prefix } = fixture.producer();
    withWorker(prefix, () => ({ kind: "dead-letter", message: "number blocked" }));
    const { id } = await sms.send(input);
    await statusOnce(sms, id, "dead");
    await fixture.queues(prefix).sms.remove(id);
    expect(await sms.status(id)).toEqual({
      id,
      state: "dead",
      deadReason: "rejected",
      documentIds: [],
      attemptsMade: 1,
      delivery: { state: "unknown" },
      lastError: "number blocked",
    });
  });
});
