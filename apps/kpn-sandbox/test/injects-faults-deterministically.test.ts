import { afterEach, describe, expect, it } from "vitest";
import type { SandboxFaults } from "../src/index.js";
import { json, startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

type Fault = { fault: { faultstring: string; detail: { errorcode: string } } };

let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function statuses(sandbox: TestSandbox, count: number): Promise<number[]> {
  const seen: number[] = [];
  // One at a time: the fault sequence follows the order in which sends arrive.
  for (let i = 0; i < count; i++) seen.push(await sandbox.sendStatus());
  return seen;
}

const MIXED: SandboxFaults = { rate429: 0.2, rate503: 0.1, rate502: 0.1, rate500: 0.1, seed: 42 };

describe("seeded faults", () => {
  it("gives the same sequence for the same seed, and another for another seed", async () => {
    t = await startSandbox({ faults: MIXED });
    const first = await statuses(t, 60);
    t.sandbox.setFaults(MIXED);
    const again = await statuses(t, 60);
    expect(again).toEqual(first);

    const other = await startSandbox({ faults: MIXED });
    try {
      expect(await statuses(other, 60)).toEqual(first);
    } finally {
      await other.close();
    }

    t.sandbox.setFaults({ ...MIXED, seed: 43 });
    expect(await statuses(t, 60)).not.toEqual(first);
  });

  it("answers each fault in about its share", async () => {
    t = await startSandbox({ faults: MIXED });
    const seen = await statuses(t, 400);
    const share = (status: number) => seen.filter((s) => s === status).length / seen.length;
    expect(share(429)).toBeGreaterThan(0.13);
    expect(share(429)).toBeLessThan(0.27);
    for (const status of [503, 502, 500]) {
      expect(share(status)).toBeGreaterThan(0.05);
      expect(share(status)).toBeLessThan(0.15);
    }
    expect(share(200)).toBeGreaterThan(0.4);
    // Faults before acceptance record nothing.
    expect(t.sandbox.received()).toHaveLength(seen.filter((s) => s === 200).length);
    expect(t.sandbox.stats().byStatus).toEqual(
      Object.fromEntries(
        [...new Set(seen)].map((s) => [String(s), seen.filter((x) => x === s).length]),
      ),
    );
  });

  it("is not shifted by token requests or refused bodies", async () => {
    t = await startSandbox({ faults: MIXED });
    const plain = await statuses(t, 30);
    t.sandbox.setFaults(MIXED);
    const mixed: number[] = [];
    for (let i = 0; i < 30; i++) {
      await t.token();
      const status = await t.sendStatus(validBody({ sender: "" }));
      mixed.push(status === 400 ? 200 : status);
    }
    expect(mixed).toEqual(plain);
  });
});

describe("each fault", () => {
  it("429 carries Retry-After in seconds and a quota fault body", async () => {
    t = await startSandbox({ faults: { rate429: 1, retryAfterSeconds: 7 } });
    const res = await t.send(validBody());
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect((await json<Fault>(res)).fault.detail.errorcode).toBe(
      "policies.ratelimit.QuotaViolation",
    );
    expect(t.sandbox.received()).toEqual([]);
  });

  it("429 leaves Retry-After out when retryAfterSeconds is null", async () => {
    t = await startSandbox({ faults: { rate429: 1, retryAfterSeconds: null } });
    const res = await t.send(validBody());
    await res.arrayBuffer();
    expect(res.status).toBe(429);
    expect(res.headers.has("retry-after")).toBe(false);
  });

  it("429 carries Retry-After on about retryAfterShare of answers", async () => {
    t = await startSandbox({ faults: { rate429: 1, retryAfterShare: 0.5, seed: 3 } });
    let withHeader = 0;
    for (let i = 0; i < 100; i++) {
      const res = await t.send(validBody());
      await res.arrayBuffer();
      if (res.headers.has("retry-after")) withHeader++;
    }
    expect(withHeader).toBeGreaterThan(30);
    expect(withHeader).toBeLessThan(70);
  });

  it.each([
    [{ rate503: 1 }, 503, "messaging.adaptors.http.flow.ServiceUnavailable"],
    [{ rate502: 1 }, 502, "messaging.adaptors.http.flow.UnexpectedEOFAtTarget"],
  ])("%o answers %d with a gateway fault and records nothing", async (faults, status, code) => {
    t = await startSandbox({ faults });
    const res = await t.send(validBody());
    expect(res.status).toBe(status);
    expect((await json<Fault>(res)).fault.detail.errorcode).toBe(code);
    expect(t.sandbox.received()).toEqual([]);
  });

  it("rate500 answers 500 and records nothing", async () => {
    t = await startSandbox({ faults: { rate500: 1 } });
    const res = await t.send(validBody());
    expect(res.status).toBe(500);
    expect(await json(res)).toHaveProperty("error.status", 500);
    expect(t.sandbox.received()).toEqual([]);
  });

  it("rate500Sent answers 500 but records the send: the ambiguous case", async () => {
    t = await startSandbox({ faults: { rate500Sent: 1 } });
    const res = await t.send(validBody());
    expect(res.status).toBe(500);
    expect(await json(res)).not.toHaveProperty("document_id");
    expect(t.sandbox.received()).toMatchObject([{ answeredStatus: 500, sender: "MyShop" }]);
    expect(t.sandbox.stats()).toMatchObject({ accepted: 1, byStatus: { 500: 1 } });
  });

  it("rate500Sent still refuses invalid bodies", async () => {
    t = await startSandbox({ faults: { rate500Sent: 1 } });
    expect(await t.sendStatus(validBody({ sender: "" }))).toBe(400);
    expect(t.sandbox.received()).toEqual([]);
  });

  it("rateAuthFault answers 500 AccessTokenExpired though the token is valid", async () => {
    t = await startSandbox({ faults: { rateAuthFault: 1 } });
    const res = await t.send(validBody());
    expect(res.status).toBe(500);
    expect((await json<Fault>(res)).fault.detail.errorcode).toBe("oauth.v2.AccessTokenExpired");
    expect(t.sandbox.received()).toEqual([]);
    t.sandbox.setFaults({});
    expect(await t.sendStatus()).toBe(200);
  });

  it("latencyMs delays the answer", async () => {
    t = await startSandbox({ faults: { latencyMs: 150, latencyJitterMs: 50 } });
    await t.token();
    const started = performance.now();
    expect(await t.sendStatus()).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("refuses faults whose shares add up to more than 1", () => {
    t = undefined;
    return startSandbox({ faults: { rate429: 0.6, rate503: 0.6 } }).then(
      () => expect.unreachable(),
      (error: { code: string; message: string }) => {
        expect(error.code).toBe("SANDBOX_INVALID_FAULTS");
        expect(error.message).toContain("rate503");
      },
    );
  });
});
