import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

const A_DAY_MS = 86_400_000;

describe("what an error answer can make the client keep", () => {
  const fake = useFakeKpn();

  // Both fit in the 64 KiB that is read of a body, so that they are parsed.
  it("a code and message of 30,000 characters are cut to 200 and 1000", async () => {
    const kpn = await fake.start({
      send: (_request, response) =>
        json(response, 400, {
          errorResponse: { code: "C".repeat(30_000), message: "m".repeat(30_000) },
        }),
    });
    const error = await rejection(fake.client(kpn).send(oneSms));
    expect(error.code).toBe("KPN_REJECTED");
    expect(error.apiCode?.length).toBeLessThanOrEqual(200);
    expect(error.apiMessage?.length).toBeLessThanOrEqual(1000);
    expect(error.apiMessage?.endsWith("…")).toBe(true);
    expect(error.message.length).toBeLessThan(400);
    expect(error.body).toHaveLength(1000);
    expect(JSON.stringify(error).length).toBeLessThan(4000);
  });

  it.each([
    ["a delay of 400 digits", "9".repeat(400)],
    ["a delay of ten years", String(10 * 365 * 86_400)],
    ["a date in the year 9999", "Fri, 31 Dec 9999 23:59:59 GMT"],
  ])("a Retry-After of %s waits a day at most", async (_name, retryAfter) => {
    const kpn = await fake.start({
      send: (_request, response) => json(response, 429, "", { "retry-after": retryAfter }),
    });
    const error = await rejection(fake.client(kpn).send(oneSms));
    expect(error.code).toBe("KPN_RATE_LIMITED");
    expect(error.retryAfterMs).toBe(A_DAY_MS);
    expect(error.message).toMatch(/; retry after 86400 s$/);
  });
});

describe("an access_token that cannot go into a header", () => {
  const fake = useFakeKpn();

  it.each([
    ["5000 characters long", "t".repeat(5000)],
    ["with a line break", "tok\nen"],
    ["with a space", "tok en"],
    ["with a non-ASCII character", "tokén"],
  ])("%s: a token failure, no send attempted, the token not kept", async (_name, token) => {
    const kpn = await fake.start({
      token: (_request, response) => json(response, 200, { access_token: token, expires_in: 3599 }),
    });
    const error = await rejection(fake.client(kpn, { tokenRetries: 0 }).send(oneSms));
    expect(error).toMatchObject({ code: "KPN_TOKEN_FAILED", kind: "transient", ambiguous: false });
    expect(error.message).toBe(
      `KPN token response (200) carried an access_token that is not a header-safe token (${token.length} characters)`,
    );
    expect(JSON.stringify(error)).not.toContain(JSON.stringify(token).slice(1, -1));
    expect(kpn.sendRequests).toHaveLength(0);
  });
});
