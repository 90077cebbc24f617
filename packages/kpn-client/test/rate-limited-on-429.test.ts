import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { type FakeKpn, json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

describe("a 429 answer", () => {
  const fake = useFakeKpn();
  let kpn: FakeKpn | undefined;

  async function sendAgainst429(headers: Record<string, string>) {
    kpn = await fake.start({
      send: (_request, response) =>
        json(
          response,
          429,
          {
            fault: {
              faultstring: "Rate limit quota violation",
              detail: { errorcode: "policies.ratelimit.QuotaViolation" },
            },
          },
          headers,
        ),
    });
    const client = fake.client(kpn);
    return rejection(client.send(oneSms));
  }

  it("is a rate limit with Retry-After in seconds", async () => {
    const error = await sendAgainst429({ "retry-after": "7", "quota-reset-utc": "1700000000000" });
    expect(error).toMatchObject({
      code: "KPN_RATE_LIMITED",
      kind: "rate_limited",
      ambiguous: false,
      status: 429,
      retryAfterMs: 7000,
      apiCode: "policies.ratelimit.QuotaViolation",
    });
    expect(error.headers?.["quota-reset-utc"]).toBe("1700000000000");
    expect(error.message).toMatch(
      /^KPN API rate limit hit \(429 policies\.ratelimit\.QuotaViolation\): .*; retry after 7 s$/,
    );
    expect(kpn?.sendRequests).toHaveLength(1);
  });

  it("reads Retry-After given as an HTTP date", async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    const error = await sendAgainst429({ "retry-after": at });
    expect(error.code).toBe("KPN_RATE_LIMITED");
    // HTTP dates have whole seconds and the clock moves on: allow for both.
    expect(error.retryAfterMs).toBeGreaterThan(20_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it("has no retryAfterMs without a Retry-After header", async () => {
    const error = await sendAgainst429({});
    expect(error.code).toBe("KPN_RATE_LIMITED");
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).not.toContain("retry after");
  });
});
