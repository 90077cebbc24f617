import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { acceptSendHandler, json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

const fault = (errorcode: string) => ({
  fault: { faultstring: "Invalid Access Token", detail: { errorcode } },
});

describe("a refused access token on send", () => {
  const fake = useFakeKpn();

  it("401 once: fetches a new token and sends again at once", async () => {
    const kpn = await fake.start({
      send: (request, response, n, context) => {
        if (n === 1) json(response, 401, fault("oauth.v2.InvalidAccessToken"));
        else acceptSendHandler(request, response, n, context);
      },
    });
    const client = fake.client(kpn);
    const result = await client.send(oneSms);
    expect(result.status).toBe(200);
    expect(client.tokenRequests).toBe(2);
    expect(kpn.sendRequests).toHaveLength(2);
    const [first, second] = kpn.sendRequests.map((r) => r.headers.authorization);
    expect(first).not.toBe(second);
    expect(second).toMatch(/^Bearer token-2-/);
  });

  it.each([
    "oauth.v2.InvalidAccessToken",
    "oauth.v2.AccessTokenExpired",
    "keymanagement.service.invalid_access_token",
  ])("a 500 with gateway fault %s is an auth failure, not a server error", async (code) => {
    const kpn = await fake.start({
      send: (request, response, n, context) => {
        if (n === 1) json(response, 500, fault(code));
        else acceptSendHandler(request, response, n, context);
      },
    });
    const client = fake.client(kpn);
    await client.send(oneSms);
    expect(client.tokenRequests).toBe(2);
    expect(kpn.sendRequests).toHaveLength(2);
  });

  it("a token the API revoked is replaced without the caller noticing", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    await client.send(oneSms);
    kpn.validTokens.clear();
    await client.send(oneSms);
    expect(client.tokenRequests).toBe(2);
    expect(kpn.sendRequests).toHaveLength(3);
  });

  it("401 again with the new token: KPN_AUTH_FAILED after exactly one retry", async () => {
    const kpn = await fake.start({
      send: (_request, response) =>
        json(response, 401, { errorResponse: { code: "UNAUTHORIZED", message: "no access" } }),
    });
    const client = fake.client(kpn);
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({
      code: "KPN_AUTH_FAILED",
      kind: "auth",
      ambiguous: false,
      status: 401,
      apiCode: "UNAUTHORIZED",
    });
    expect(error.message).toBe(
      "KPN API refused a freshly fetched access token (401 UNAUTHORIZED): no access",
    );
    expect(kpn.sendRequests).toHaveLength(2);
    expect(client.tokenRequests).toBe(2);
  });

  it("a 500 with invalid_client is an auth failure", async () => {
    const kpn = await fake.start({
      send: (_request, response) =>
        json(response, 500, { ErrorCode: "invalid_client", Error: "ClientId is Invalid" }),
    });
    const client = fake.client(kpn);
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_AUTH_FAILED", kind: "auth", ambiguous: false });
    expect(kpn.sendRequests).toHaveLength(2);
  });

  it("a refused retry that fails otherwise is classified on its own answer", async () => {
    const kpn = await fake.start({
      send: (_request, response, n) => {
        if (n === 1) json(response, 401, fault("oauth.v2.AccessTokenExpired"));
        else json(response, 503, "");
      },
    });
    const client = fake.client(kpn);
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_SERVER_ERROR", status: 503, ambiguous: false });
  });

  it("many sends refused at once share one new token", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    await client.getAccessToken();
    kpn.validTokens.clear();
    const results = await Promise.all(Array.from({ length: 50 }, () => client.send(oneSms)));
    expect(results).toHaveLength(50);
    expect(client.tokenRequests).toBe(2);
  });
});
