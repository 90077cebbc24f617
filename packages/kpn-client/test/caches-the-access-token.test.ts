import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KpnClient } from "../src/index.js";
import { oneSms, rejection } from "./support/client.js";
import { type FakeKpn, issueTokenHandler, json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

describe("the access token cache", () => {
  const fake = useFakeKpn();

  it("500 concurrent sends make exactly one token request", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    const results = await Promise.all(Array.from({ length: 500 }, () => client.send(oneSms)));
    expect(new Set(results.map((r) => r?.documentId)).size).toBe(500);
    expect(client.tokenRequests).toBe(1);
    expect(kpn.tokenRequests).toHaveLength(1);
    expect(new Set(kpn.sendRequests.map((r) => r.headers.authorization)).size).toBe(1);
  });

  it("reuses the token across sends until it nears expiry", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    const first = await client.getAccessToken();
    for (let i = 0; i < 20; i += 1) await client.send(oneSms);
    expect(await client.getAccessToken()).toBe(first);
    expect(client.tokenRequests).toBe(1);
  });

  describe("expiry", () => {
    // Only Date is faked: sockets and undici's timers keep running on real time.
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ["Date"] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    let kpn: FakeKpn | undefined;

    async function tokenLasting(expiresIn: string, margin?: number): Promise<KpnClient> {
      kpn = await fake.start({
        token: (_request, response, _n, { issueToken }) =>
          json(response, 200, { access_token: issueToken(), expires_in: expiresIn }),
      });
      return fake.client(kpn, margin === undefined ? {} : { tokenRefreshMarginMs: margin });
    }

    it("refreshes expires_in minus the margin after the token was asked for", async () => {
      const kpnClient = await tokenLasting("3599");
      const start = Date.now();
      const first = await kpnClient.getAccessToken();
      vi.setSystemTime(start + 3_538_000);
      expect(await kpnClient.getAccessToken()).toBe(first);
      vi.setSystemTime(start + 3_540_000);
      const second = await kpnClient.getAccessToken();
      expect(second).not.toBe(first);
      expect(kpnClient.tokenRequests).toBe(2);
      // The next send carries the new token.
      await kpnClient.send(oneSms);
      expect(kpn?.sendRequests[0]?.headers.authorization).toBe(`Bearer ${second}`);
    });

    it("refreshes at half the lifetime when the lifetime is shorter than twice the margin", async () => {
      const kpnClient = await tokenLasting("10");
      const start = Date.now();
      const first = await kpnClient.getAccessToken();
      vi.setSystemTime(start + 4_000);
      expect(await kpnClient.getAccessToken()).toBe(first);
      vi.setSystemTime(start + 6_000);
      expect(await kpnClient.getAccessToken()).not.toBe(first);
      expect(kpnClient.tokenRequests).toBe(2);
    });

    it("honours tokenRefreshMarginMs", async () => {
      const kpnClient = await tokenLasting("3599", 1_000);
      const start = Date.now();
      const first = await kpnClient.getAccessToken();
      vi.setSystemTime(start + 3_597_000);
      expect(await kpnClient.getAccessToken()).toBe(first);
      vi.setSystemTime(start + 3_598_500);
      expect(await kpnClient.getAccessToken()).not.toBe(first);
    });
  });

  it("invalidateToken(token) drops only that token", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    const first = await client.getAccessToken();
    client.invalidateToken("some-older-token");
    expect(await client.getAccessToken()).toBe(first);
    client.invalidateToken(first);
    const second = await client.getAccessToken();
    expect(second).not.toBe(first);
    client.invalidateToken();
    expect(await client.getAccessToken()).not.toBe(second);
    expect(client.tokenRequests).toBe(3);
  });

  it("does not cache a failed token request", async () => {
    const kpn = await fake.start({
      token: (request, response, n, context) => {
        if (n === 1) json(response, 200, { status: "approved" });
        else issueTokenHandler(request, response, n, context);
      },
    });
    const client = fake.client(kpn, { tokenRetries: 0 });
    const error = await rejection(client.getAccessToken());
    expect(error).toMatchObject({ code: "KPN_TOKEN_FAILED", kind: "transient", status: 200 });
    expect(error.message).toBe("KPN token response (200) carried no access_token");
    expect(await client.getAccessToken()).toMatch(/^token-1-/);
    expect(client.tokenRequests).toBe(2);
  });

  it("retries a token request that failed for a transient reason", async () => {
    const kpn = await fake.start({
      token: (request, response, n, context) => {
        if (n === 1) json(response, 503, "");
        else if (n === 2) json(response, 429, "", { "retry-after": "0" });
        else issueTokenHandler(request, response, n, context);
      },
    });
    const client = fake.client(kpn);
    await client.send(oneSms);
    expect(client.tokenRequests).toBe(3);
  });

  it("gives up after tokenRetries with KPN_TOKEN_FAILED, which is never ambiguous", async () => {
    const kpn = await fake.start({
      token: (_request, response) =>
        json(response, 502, { fault: { faultstring: "Bad Gateway", detail: { errorcode: "x" } } }),
    });
    const client = fake.client(kpn, { tokenRetries: 1 });
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({
      code: "KPN_TOKEN_FAILED",
      kind: "transient",
      ambiguous: false,
      status: 502,
    });
    expect(error.message).toBe("KPN token request failed (502 x): Bad Gateway");
    expect(client.tokenRequests).toBe(2);
    expect(kpn.sendRequests).toHaveLength(0);
  });

  it.each([
    {
      status: 401,
      body: {
        fault: {
          faultstring: "Invalid client",
          detail: { errorcode: "oauth.v2.InvalidClientIdentifier" },
        },
      },
    },
    {
      status: 400,
      body: { error: "invalid_client", error_description: "Client authentication failed" },
    },
    { status: 500, body: { ErrorCode: "invalid_client", Error: "ClientId is Invalid" } },
    { status: 403, body: { errorResponse: { code: "FORBIDDEN", message: "app not approved" } } },
  ])(
    "refused credentials ($status) are KPN_AUTH_FAILED and not retried",
    async ({ status, body }) => {
      const kpn = await fake.start({ token: (_request, response) => json(response, status, body) });
      const client = fake.client(kpn);
      const error = await rejection(client.send(oneSms));
      expect(error).toMatchObject({
        code: "KPN_AUTH_FAILED",
        kind: "auth",
        ambiguous: false,
        status,
      });
      expect(error.message).toMatch(
        new RegExp(`^KPN API refused the client credentials \\(${status}`),
      );
      expect(client.tokenRequests).toBe(1);
      expect(kpn.sendRequests).toHaveLength(0);
    },
  );

  it("reads a numeric expires_in and tolerates a missing one", async () => {
    const kpn = await fake.start({
      token: (_request, response, n, { issueToken }) =>
        json(
          response,
          200,
          n === 1
            ? { access_token: issueToken(), expires_in: 3599 }
            : { access_token: issueToken() },
        ),
    });
    const client = fake.client(kpn);
    const first = await client.getAccessToken();
    expect(await client.getAccessToken()).toBe(first);
    client.invalidateToken();
    const second = await client.getAccessToken();
    expect(await client.getAccessToken()).toBe(second);
    expect(client.tokenRequests).toBe(2);
  });
});
