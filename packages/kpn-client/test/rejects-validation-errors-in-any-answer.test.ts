import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

const invalidNumber = {
  errorResponse: {
    code: "INVALID_MOBILE_NUMBER",
    message: "mobile_number is not a Dutch mobile number",
    info: "messages[0].mobile_number",
  },
};

describe("a validation error in the body", () => {
  const fake = useFakeKpn();

  it.each([
    { name: "inside a 200 without document_id", status: 200, body: invalidNumber },
    { name: "under a 500", status: 500, body: invalidNumber },
    {
      name: "under a 502 in the flat error shape",
      status: 502,
      body: { error: { name: "ValidationError", message: "sender exceeds 11 characters" } },
    },
  ])("is a permanent refusal, not a retry: $name", async ({ status, body }) => {
    const kpn = await fake.start({ send: (_request, response) => json(response, status, body) });
    const error = await rejection(fake.client(kpn).send(oneSms));
    expect(error).toMatchObject({
      code: "KPN_REJECTED",
      kind: "permanent",
      ambiguous: false,
      status,
    });
    expect(error.message).toMatch(/^KPN API rejected the message \(\d+ /);
    expect(kpn.sendRequests).toHaveLength(1);
  });

  it("leaves a 500 with an ordinary server error transient and ambiguous", async () => {
    const kpn = await fake.start({
      send: (_request, response) =>
        json(response, 500, { errorResponse: { code: "500", message: "Internal Server Error" } }),
    });
    const error = await rejection(fake.client(kpn).send(oneSms));
    expect(error).toMatchObject({ code: "KPN_SERVER_ERROR", kind: "transient", ambiguous: true });
  });

  it("leaves a gateway fault that says invalid about the target transient", async () => {
    const kpn = await fake.start({
      send: (_request, response) =>
        json(response, 502, {
          fault: {
            faultstring: "Invalid response from target",
            detail: { errorcode: "messaging.adaptors.http.flow.InvalidResponse" },
          },
        }),
    });
    const error = await rejection(fake.client(kpn).send(oneSms));
    expect(error).toMatchObject({ code: "KPN_SERVER_ERROR", kind: "transient", ambiguous: true });
  });

  it("does not take an expired token under a 500 for a validation error", async () => {
    let sends = 0;
    const kpn = await fake.start({
      send: (_request, response) => {
        sends += 1;
        if (sends === 1) {
          json(response, 500, {
            fault: {
              faultstring: "Invalid Access Token",
              detail: { errorcode: "oauth.v2.InvalidAccessToken" },
            },
          });
        } else {
          json(response, 200, { document_id: "doc-after-refresh", status: "OK" });
        }
      },
    });
    expect((await fake.client(kpn).send(oneSms)).documentId).toBe("doc-after-refresh");
  });
});
