import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createKpnClient, type KpnError } from "../src/index.js";
import { oneSms, rejection } from "./support/client.js";
import { CLIENT_SECRET, json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

/** Every text a log line or dead-letter record could pick up from the error. */
function everythingIn(error: KpnError): string {
  return [
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error),
    error.message,
    error.stack,
    String(error.cause),
    JSON.stringify(error.headers),
  ].join("\n");
}

const spellings = [
  CLIENT_SECRET,
  encodeURIComponent(CLIENT_SECRET),
  new URLSearchParams({ s: CLIENT_SECRET }).toString().slice(2),
];

describe("the client secret", () => {
  const fake = useFakeKpn();

  it.each([400, 401, 500, 503])(
    "is not in the error when the token endpoint echoes the request (%i)",
    async (status) => {
      const kpn = await fake.start({
        token: (request, response) => {
          const form = new URLSearchParams(request.body);
          json(
            response,
            status,
            {
              errorResponse: {
                code: `bad ${form.get("client_secret")}`,
                message: `got ${request.body}`,
                info: form.get("client_secret"),
              },
            },
            { "x-echo": encodeURIComponent(form.get("client_secret") ?? "") },
          );
        },
      });
      const client = fake.client(kpn, { tokenRetries: 0 });
      const error = await rejection(client.send(oneSms));
      expect(["KPN_AUTH_FAILED", "KPN_TOKEN_FAILED"]).toContain(error.code);
      expect(error.body).toContain("***");
      const text = everythingIn(error);
      for (const spelling of spellings) expect(text).not.toContain(spelling);
    },
  );

  it("is not in the error when the token endpoint cannot be reached", async () => {
    const kpn = await fake.start();
    const url = kpn.url;
    await kpn.close();
    const client = fake.closeAfter(
      createKpnClient({
        baseUrl: url,
        clientId: "id",
        clientSecret: CLIENT_SECRET,
        tokenRetries: 0,
      }),
    );
    const error = await rejection(client.getAccessToken());
    expect(error.code).toBe("KPN_TOKEN_FAILED");
    const text = everythingIn(error);
    for (const spelling of spellings) expect(text).not.toContain(spelling);
  });

  it("is not echoed by option validation", () => {
    try {
      createKpnClient({ baseUrl: "ftp://x", clientId: "id", clientSecret: CLIENT_SECRET });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain(CLIENT_SECRET);
    }
  });
});
