import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { type Handler, json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

const redirect =
  (status: number, location?: string): Handler =>
  (_request, response) => {
    response.writeHead(status, location === undefined ? {} : { location });
    response.end();
  };

describe("a redirect from the API", () => {
  const fake = useFakeKpn();

  it.each([301, 302, 303, 307, 308])(
    "on the send path (%i): a transient configuration fault, nothing sent, not followed",
    async (status) => {
      const kpn = await fake.start({ send: redirect(status, "https://login.example/sso") });
      const error = await rejection(fake.client(kpn).send(oneSms));
      expect(error).toMatchObject({
        code: "KPN_REDIRECTED",
        kind: "transient",
        ambiguous: false,
        status,
      });
      expect(error.message).toBe(
        `KPN send request was redirected (${status}) to "https://login.example/sso"; redirects are not followed: check baseUrl and sendPath`,
      );
      expect(kpn.sendRequests).toHaveLength(1);
    },
  );

  it("without a Location says so", async () => {
    const kpn = await fake.start({ send: redirect(302) });
    const error = await rejection(fake.client(kpn).send(oneSms));
    expect(error.code).toBe("KPN_REDIRECTED");
    expect(error.message).toMatch(/redirected \(302\) without a Location; /);
  });

  it("quotes at most the start of a long Location", async () => {
    const kpn = await fake.start({ send: redirect(302, `https://x.example/${"p".repeat(8000)}`) });
    const error = await rejection(fake.client(kpn).send(oneSms));
    expect(error.code).toBe("KPN_REDIRECTED");
    expect(error.message.length).toBeLessThan(400);
  });

  it("is not taken for a token fault by a body that names one", async () => {
    const kpn = await fake.start({
      send: (_request, response) =>
        json(
          response,
          302,
          { fault: { detail: { errorcode: "oauth.v2.InvalidAccessToken" } } },
          { location: "/login" },
        ),
    });
    const client = fake.client(kpn);
    const error = await rejection(client.send(oneSms));
    expect(error.code).toBe("KPN_REDIRECTED");
    expect(client.tokenRequests).toBe(1);
    expect(kpn.sendRequests).toHaveLength(1);
  });

  it("on the token endpoint: the same fault, not refused credentials, and not retried", async () => {
    const kpn = await fake.start({ token: redirect(302, "https://login.example/") });
    const client = fake.client(kpn);
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({
      code: "KPN_REDIRECTED",
      kind: "transient",
      ambiguous: false,
      status: 302,
    });
    expect(error.message).toBe(
      'KPN token request was redirected (302) to "https://login.example/"; redirects are not followed: check baseUrl (token path /oauth/client_credential/accesstoken)',
    );
    // Retrying a redirect cannot help, so it is not.
    expect(kpn.tokenRequests).toHaveLength(1);
    expect(kpn.sendRequests).toHaveLength(0);
  });
});

describe("a token answer 200 without an access_token", () => {
  const fake = useFakeKpn();

  it('does not report its "status":"approved" as the API\'s error code', async () => {
    const kpn = await fake.start({
      token: (_request, response) => json(response, 200, { status: "approved" }),
    });
    const error = await rejection(fake.client(kpn, { tokenRetries: 0 }).getAccessToken());
    expect(error).toMatchObject({ code: "KPN_TOKEN_FAILED", status: 200 });
    expect(error.apiCode).toBeUndefined();
    expect(error.apiMessage).toBeUndefined();
  });
});
