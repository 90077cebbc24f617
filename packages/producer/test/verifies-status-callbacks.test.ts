import { describe, expect, it } from "vitest";
import {
  CALLBACK_HEADERS,
  type SmsCallbackEvent,
  signCallback,
  verifyCallback,
} from "../src/index.js";

const secret = "callback-secret-7d1e";
const event: SmsCallbackEvent = {
  id: "k-1",
  event: "sent",
  state: "sent",
  delivery: { state: "unknown" },
  documentIds: ["doc-1"],
  to: "+31612345678",
  at: new Date().toISOString(),
};
const body = JSON.stringify(event);
const now = Math.floor(Date.now() / 1000);
const headers = (timestamp = now, signature = signCallback(body, secret, timestamp)) => ({
  [CALLBACK_HEADERS.eventId]: "k-1-sent",
  [CALLBACK_HEADERS.timestamp]: String(timestamp),
  [CALLBACK_HEADERS.signature]: signature,
});

describe("verifyCallback", () => {
  it("returns the event of a genuine callback, from Node headers, a Headers or bytes", () => {
    expect(verifyCallback({ body, headers: headers(), secret })).toEqual(event);
    expect(
      verifyCallback({ body: Buffer.from(body), headers: new Headers(headers()), secret }),
    ).toEqual(event);
  });

  it.each([
    ["a body changed after signing", { body: body.replace("doc-1", "doc-2") }],
    ["another secret", { secret: "not-it" }],
    ["no signature", { headers: { [CALLBACK_HEADERS.timestamp]: String(now) } }],
    [
      "a timestamp changed after signing",
      { headers: { ...headers(), [CALLBACK_HEADERS.timestamp]: String(now + 1) } },
    ],
    ["a signature of the wrong length", { headers: headers(now, "sha256=abc") }],
  ])("refuses %s", (_name, change) => {
    expect(() => verifyCallback({ body, headers: headers(), secret, ...change })).toThrow(
      expect.objectContaining({ code: "SMS_CALLBACK_SIGNATURE" }),
    );
  });

  it("refuses a genuine callback older than the tolerance", () => {
    const old = now - 301;
    expect(() => verifyCallback({ body, headers: headers(old), secret })).toThrow(
      expect.objectContaining({ code: "SMS_CALLBACK_STALE" }),
    );
    expect(verifyCallback({ body, headers: headers(old), secret, toleranceSeconds: 600 })).toEqual(
      event,
    );
  });
});
