import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startSandbox, type TestSandbox } from "./support/sandbox-client.js";

const TOKEN_PATH = "/oauth/client_credential/accesstoken";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

describe("token endpoint", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startSandbox({ clientId: "shop-id", clientSecret: "shop-secret" });
  });
  afterAll(() => t.close());

  const request = (query: string, body: string, headers: Record<string, string> = FORM) =>
    fetch(`${t.url}${TOKEN_PATH}${query}`, { method: "POST", headers, body });

  it("issues a bearer token with every value a string, Apigee style", async () => {
    const before = Date.now();
    const res = await request(
      "?grant_type=client_credentials",
      "client_id=shop-id&client_secret=shop-secret",
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = await json(res);
    for (const value of Object.values(body)) expect(typeof value).toBe("string");
    expect(body).toMatchObject({
      token_type: "Bearer",
      expires_in: "3599",
      client_id: "shop-id",
      status: "approved",
      scope: "",
      refresh_count: "0",
      refresh_token_expires_in: "0",
      api_product_list: "[SMS]",
      organization_name: "kpn",
      developer_email: "sandbox@example.com",
    });
    expect(body.access_token).toMatch(/^[A-Za-z0-9]{28}$/);
    expect(typeof body.application_name).toBe("string");
    expect(Number(body.issued_at)).toBeGreaterThanOrEqual(before);
    expect(Number(body.issued_at)).toBeLessThanOrEqual(Date.now());
  });

  it("issues a different token on every request", async () => {
    const form = "client_id=shop-id&client_secret=shop-secret";
    const a = await json(await request("?grant_type=client_credentials", form));
    const b = await json(await request("?grant_type=client_credentials", form));
    expect(a.access_token).not.toBe(b.access_token);
  });

  it("accepts the credentials in a Basic authorization header too", async () => {
    const basic = Buffer.from("shop-id:shop-secret").toString("base64");
    const res = await request("?grant_type=client_credentials", "", {
      ...FORM,
      authorization: `Basic ${basic}`,
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ["a wrong secret", "client_id=shop-id&client_secret=nope"],
    ["a wrong client id", "client_id=other&client_secret=shop-secret"],
    ["no credentials", ""],
    ["only a client id", "client_id=shop-id"],
  ])("answers 401 invalid_client for %s", async (_name, form) => {
    const res = await request("?grant_type=client_credentials", form);
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ ErrorCode: "invalid_client", Error: "ClientId is Invalid" });
  });

  it("answers 400 invalid_request without a grant_type", async () => {
    const res = await request("", "client_id=shop-id&client_secret=shop-secret");
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({
      ErrorCode: "invalid_request",
      Error: "Required param : grant_type",
    });
  });

  it("answers 400 invalid_request for another grant_type", async () => {
    const res = await request(
      "?grant_type=password",
      "client_id=shop-id&client_secret=shop-secret",
    );
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({
      ErrorCode: "invalid_request",
      Error: "Unsupported grant type : password",
    });
  });

  it("answers 405 to a GET", async () => {
    const res = await fetch(`${t.url}${TOKEN_PATH}?grant_type=client_credentials`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    await res.arrayBuffer();
  });

  it("counts token requests", async () => {
    t.sandbox.clear();
    await request("?grant_type=client_credentials", "client_id=x&client_secret=y");
    await request("?grant_type=client_credentials", "client_id=shop-id&client_secret=shop-secret");
    expect(t.sandbox.stats().tokenRequests).toBe(2);
  });
});

describe("token faults", () => {
  it("answers 500 with a gateway fault for tokenErrorRate 1", async () => {
    const t = await startSandbox({ faults: { tokenErrorRate: 1 } });
    try {
      const res = await fetch(`${t.url}${TOKEN_PATH}?grant_type=client_credentials`, {
        method: "POST",
        headers: FORM,
        body: "client_id=sandbox&client_secret=sandbox",
      });
      expect(res.status).toBe(500);
      const body = await json<{ fault: { detail: { errorcode: string } } }>(res);
      expect(body.fault.detail.errorcode).toBeTypeOf("string");
    } finally {
      await t.close();
    }
  });

  it("issues tokens with the configured expires_in", async () => {
    const t = await startSandbox({ faults: { tokenTtlSeconds: 60 } });
    try {
      const res = await fetch(`${t.url}${TOKEN_PATH}?grant_type=client_credentials`, {
        method: "POST",
        headers: FORM,
        body: "client_id=sandbox&client_secret=sandbox",
      });
      expect((await json(res)).expires_in).toBe("60");
    } finally {
      await t.close();
    }
  });
});
