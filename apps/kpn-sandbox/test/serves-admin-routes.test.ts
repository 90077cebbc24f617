import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ReceivedSend, SandboxRequest, SandboxStats } from "../src/index.js";
import { json, startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

describe("admin routes", () => {
  let t: TestSandbox;
  const admin = (path: string, init?: RequestInit) => fetch(`${t.url}/_sandbox/${path}`, init);

  beforeAll(async () => {
    t = await startSandbox();
  });
  beforeEach(async () => {
    t.sandbox.setFaults({});
    t.sandbox.clear();
  });
  afterAll(() => t.close());

  async function sendNumbered(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await t.sendStatus(
        validBody({ messages: [{ content: `m${i}`, mobile_number: "0612345678" }] }),
      );
    }
  }

  it("GET health answers ok", async () => {
    const res = await admin("health");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok" });
  });

  it("GET received lists accepted sends, paged with since and limit", async () => {
    await sendNumbered(5);
    const all = await json<ReceivedSend[]>(await admin("received"));
    expect(all.map((r) => r.messages[0]?.content)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(all).toEqual(t.sandbox.received());

    const page = await json<ReceivedSend[]>(await admin("received?since=3"));
    expect(page.map((r) => r.messages[0]?.content)).toEqual(["m3", "m4"]);
    const limited = await json<ReceivedSend[]>(await admin("received?since=1&limit=2"));
    expect(limited.map((r) => r.messages[0]?.content)).toEqual(["m1", "m2"]);
    expect(await json(await admin("received?since=5"))).toEqual([]);
  });

  it("GET received refuses a bad since", async () => {
    const res = await admin("received?since=-1");
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({ error: "since must be a non-negative integer" });
  });

  it("GET requests lists every send attempt with its status", async () => {
    await t.sendStatus();
    await t.sendStatus(validBody({ sender: "" }));
    await t.sendStatus(validBody(), { token: null });
    const requests = await json<SandboxRequest[]>(await admin("requests"));
    expect(requests.map((r) => r.status)).toEqual([200, 400, 401]);
    expect(requests.every((r) => r.path === "/communication/kpn/sms/send")).toBe(true);
    expect(requests.every((r) => typeof r.at === "number")).toBe(true);
    expect(await json(await admin("requests?since=2"))).toHaveLength(1);
  });

  it("GET stats counts tokens, sends and statuses", async () => {
    await t.token();
    await t.sendStatus();
    await t.sendStatus(validBody({ sender: "" }));
    const stats = await json<SandboxStats>(await admin("stats"));
    expect(stats).toEqual({
      tokenRequests: 1,
      sendRequests: 2,
      accepted: 1,
      acceptedSms: 1,
      byStatus: { 200: 1, 400: 1 },
      resets: 0,
      hangs: 0,
    });
  });

  it("POST clear forgets sends and stats but keeps tokens", async () => {
    const token = await t.token();
    await t.sendStatus(validBody(), { token });
    const res = await admin("clear", { method: "POST" });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(t.sandbox.received()).toEqual([]);
    expect(t.sandbox.requests()).toEqual([]);
    expect(t.sandbox.stats()).toMatchObject({ tokenRequests: 0, sendRequests: 0, accepted: 0 });
    expect(await t.sendStatus(validBody(), { token })).toBe(200);
  });

  it("GET faults shows the faults in force with their defaults", async () => {
    const faults = await json(await admin("faults"));
    expect(faults).toMatchObject({
      rate429: 0,
      retryAfterSeconds: 1,
      hangMs: 30_000,
      tokenTtlSeconds: 3599,
      authFaultStatus: 401,
      seed: 1,
    });
  });

  it("PUT faults replaces the faults", async () => {
    const res = await admin("faults", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rate503: 1 }),
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ rate503: 1, rate429: 0 });
    expect(await t.sendStatus()).toBe(503);

    await (await admin("faults", { method: "PUT", body: "{}" })).arrayBuffer();
    expect(await t.sendStatus()).toBe(200);
  });

  it.each([
    ['{"rate429": 2}', "rate429"],
    ['{"latencyMs": -1}', "latencyMs"],
    ['{"authFaultStatus": 403}', "authFaultStatus"],
    ['{"rateTeapot": 1}', "rateTeapot"],
    ['{"retryAfterSeconds": "soon"}', "retryAfterSeconds"],
  ])("PUT faults refuses %s naming the field", async (body, field) => {
    const res = await admin("faults", { method: "PUT", body });
    expect(res.status).toBe(400);
    const { error } = await json<{ error: string }>(res);
    expect(error).toContain(field);
    expect(t.sandbox.faults().rate429).toBe(0);
  });

  it("PUT faults refuses a body that is not JSON", async () => {
    const res = await admin("faults", { method: "PUT", body: "rate429=1" });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
  });

  it("POST tokens/expire expires every issued token", async () => {
    const token = await t.token();
    const res = await admin("tokens/expire", { method: "POST" });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(await t.sendStatus(validBody(), { token })).toBe(401);
  });

  it("answers 405 to a wrong method and 404 to an unknown route", async () => {
    const wrong = await admin("clear");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    await wrong.arrayBuffer();
    const faults = await admin("faults", { method: "DELETE" });
    expect(faults.status).toBe(405);
    expect(faults.headers.get("allow")).toBe("GET, PUT");
    await faults.arrayBuffer();
    const unknown = await admin("nothing-here");
    expect(unknown.status).toBe(404);
    await unknown.arrayBuffer();
  });
});

describe("the programmatic API", () => {
  it("throws before listen when asked for its url", async () => {
    const { createSandbox } = await import("../src/index.js");
    const sandbox = createSandbox();
    expect(() => sandbox.url).toThrow(expect.objectContaining({ code: "SANDBOX_NOT_LISTENING" }));
    await sandbox.close();
  });

  it("refuses bad options naming the option", async () => {
    const { createSandbox } = await import("../src/index.js");
    expect(() => createSandbox({ maxMessages: 0 })).toThrow(/maxMessages/);
    expect(() => createSandbox({ faults: { hangMs: -5 } })).toThrow(
      expect.objectContaining({ code: "SANDBOX_INVALID_FAULTS" }),
    );
  });

  it("keeps at most maxRecorded entries and keeps indexes absolute", async () => {
    const t = await startSandbox({ maxRecorded: 10 });
    try {
      for (let i = 0; i < 25; i++) {
        await t.sendStatus(
          validBody({ messages: [{ content: `m${i}`, mobile_number: "0612345678" }] }),
        );
      }
      const kept = t.sandbox.received();
      expect(kept.length).toBeLessThanOrEqual(10);
      expect(kept.at(-1)?.messages[0]?.content).toBe("m24");
      const page = await json<ReceivedSend[]>(await fetch(`${t.url}/_sandbox/received?since=22`));
      expect(page.map((r) => r.messages[0]?.content)).toEqual(["m22", "m23", "m24"]);
      expect(t.sandbox.stats().accepted).toBe(25);
    } finally {
      await t.close();
    }
  });
});
