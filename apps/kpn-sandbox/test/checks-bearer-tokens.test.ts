import { waitFor } from "@sms-relay/testing";
import { afterEach, describe, expect, it } from "vitest";
import { json, startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

const INVALID = {
  fault: {
    faultstring: "Invalid access token",
    detail: { errorcode: "oauth.v2.InvalidAccessToken" },
  },
};
const EXPIRED = {
  fault: {
    faultstring: "Access Token expired",
    detail: { errorcode: "oauth.v2.AccessTokenExpired" },
  },
};

describe("bearer token checks on sends", () => {
  let t: TestSandbox | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("answers 401 InvalidAccessToken without an Authorization header", async () => {
    t = await startSandbox();
    const res = await t.send(validBody(), { token: null });
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual(INVALID);
    expect(t.sandbox.received()).toEqual([]);
  });

  it("answers 401 InvalidAccessToken for a token it never issued", async () => {
    t = await startSandbox();
    const res = await t.send(validBody(), { token: "AAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual(INVALID);
  });

  it("answers 401 AccessTokenExpired after expireTokens(), and accepts a new token", async () => {
    t = await startSandbox();
    const token = await t.token();
    expect(await t.sendStatus(validBody(), { token })).toBe(200);
    t.sandbox.expireTokens();
    const res = await t.send(validBody(), { token });
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual(EXPIRED);
    expect(await t.sendStatus(validBody(), { token: await t.token() })).toBe(200);
    expect(t.sandbox.received()).toHaveLength(2);
  });

  it("lets tokens expire after tokenTtlSeconds", async () => {
    t = await startSandbox({ faults: { tokenTtlSeconds: 1 } });
    const token = await t.token();
    const sandbox = t;
    await waitFor(async () => (await sandbox.sendStatus(validBody(), { token })) === 401, {
      timeoutMs: 10_000,
      intervalMs: 100,
      description: "the token to expire",
    });
    const res = await t.send(validBody(), { token });
    expect(await json(res)).toEqual(EXPIRED);
  });

  it("answers token failures with 500 when authFaultStatus is 500", async () => {
    t = await startSandbox({ faults: { authFaultStatus: 500 } });
    const missing = await t.send(validBody(), { token: null });
    expect(missing.status).toBe(500);
    expect(await json(missing)).toEqual(INVALID);
    const token = await t.token();
    t.sandbox.expireTokens();
    const expired = await t.send(validBody(), { token });
    expect(expired.status).toBe(500);
    expect(await json(expired)).toEqual(EXPIRED);
  });

  it("checks the token before the body", async () => {
    t = await startSandbox();
    const res = await t.send("{not json", { token: null });
    expect(res.status).toBe(401);
    await res.arrayBuffer();
  });
});
