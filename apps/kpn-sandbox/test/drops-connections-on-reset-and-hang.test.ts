import { waitFor } from "@sms-relay/testing";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The error a fetch failed with, or undefined when it got an answer. */
async function failure(promise: Promise<Response>): Promise<Error | undefined> {
  try {
    const res = await promise;
    await res.arrayBuffer();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

describe("connection faults", () => {
  it("rateReset drops the connection without an answer and records nothing", async () => {
    t = await startSandbox({ faults: { rateReset: 1 } });
    await t.token();
    expect(await failure(t.send(validBody()))).toBeInstanceOf(Error);
    expect(t.sandbox.received()).toEqual([]);
    expect(t.sandbox.stats()).toMatchObject({ sendRequests: 1, resets: 1, accepted: 0 });
    expect(t.sandbox.requests()).toMatchObject([{ status: "reset" }]);
  });

  it("rateResetAfterSend drops the connection after recording the send", async () => {
    t = await startSandbox({ faults: { rateResetAfterSend: 1 } });
    await t.token();
    expect(await failure(t.send(validBody()))).toBeInstanceOf(Error);
    expect(t.sandbox.received()).toMatchObject([{ answeredStatus: 0, sender: "MyShop" }]);
    expect(t.sandbox.stats()).toMatchObject({ resets: 1, accepted: 1 });
  });

  it("rateHang holds the socket for hangMs, then drops it, recording nothing", async () => {
    t = await startSandbox({ faults: { rateHang: 1, hangMs: 300 } });
    await t.token();
    const started = performance.now();
    expect(await failure(t.send(validBody()))).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(t.sandbox.received()).toEqual([]);
    expect(t.sandbox.stats()).toMatchObject({ hangs: 1, accepted: 0 });
    expect(t.sandbox.requests()).toMatchObject([{ status: "hang" }]);
  });

  it("rateHangAfterSend records the send and never answers", async () => {
    t = await startSandbox({ faults: { rateHangAfterSend: 1, hangMs: 300 } });
    await t.token();
    expect(await failure(t.send(validBody()))).toBeInstanceOf(Error);
    expect(t.sandbox.received()).toMatchObject([{ answeredStatus: 0 }]);
    expect(t.sandbox.stats()).toMatchObject({ hangs: 1, accepted: 1 });
  });

  it("a client timeout on a hanging send sees no answer", async () => {
    t = await startSandbox({ faults: { rateHang: 1 } });
    const token = await t.token();
    const error = await failure(
      fetch(`${t.url}/communication/kpn/sms/send`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(validBody()),
        signal: AbortSignal.timeout(200),
      }),
    );
    expect(error?.name).toBe("TimeoutError");
  });

  it("a send whose client timed out during the latency is still accepted", async () => {
    t = await startSandbox({ faults: { latencyMs: 400 } });
    const sandbox = t;
    const token = await sandbox.token();
    const error = await failure(
      fetch(`${sandbox.url}/communication/kpn/sms/send`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(validBody()),
        signal: AbortSignal.timeout(100),
      }),
    );
    expect(error?.name).toBe("TimeoutError");
    const [received] = await waitFor(
      () => sandbox.sandbox.received().length > 0 && sandbox.sandbox.received(),
      {
        description: "the timed-out send to be accepted",
      },
    );
    expect(received).toMatchObject({ sender: "MyShop" });
  });

  it("close() is prompt with hanging sockets and delayed answers", async () => {
    t = await startSandbox({ faults: { rateHang: 0.5, latencyMs: 20_000, seed: 5 } });
    const sandbox = t;
    await sandbox.token();
    const pending = Array.from({ length: 6 }, () => failure(sandbox.send(validBody())));
    await waitFor(() => sandbox.sandbox.stats().hangs > 0 && sandbox.sandbox.stats().hangs, {
      description: "a hanging send",
    });
    const started = performance.now();
    await sandbox.close();
    // Hangs last 30 s and answers wait 20 s: anything near that means close() waited for them.
    expect(performance.now() - started).toBeLessThan(5_000);
    const results = await Promise.all(pending);
    expect(results.every((r) => r instanceof Error)).toBe(true);
    t = undefined;
  });
});
