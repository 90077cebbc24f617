import { describe, expect, it } from "vitest";
import { isKpnError, KpnError, parseErrorBody } from "../src/index.js";

describe("parseErrorBody", () => {
  it.each([
    {
      name: "the API's errorResponse with info",
      body: {
        errorResponse: { code: "SMS_INVALID_SENDER", message: "Invalid sender", info: "max 11" },
      },
      expected: { code: "SMS_INVALID_SENDER", message: "Invalid sender (max 11)" },
    },
    {
      name: "errorResponse with only info",
      body: { errorResponse: { code: "E1", info: "details" } },
      expected: { code: "E1", message: "details" },
    },
    {
      name: "the Apigee fault",
      body: {
        fault: {
          faultstring: "Invalid access token",
          detail: { errorcode: "oauth.v2.InvalidAccessToken" },
        },
      },
      expected: { code: "oauth.v2.InvalidAccessToken", message: "Invalid access token" },
    },
    {
      name: "a nested error object",
      body: {
        error: { transactionId: "t1", status: 400, name: "ValidationError", message: "bad number" },
      },
      expected: { code: "ValidationError", message: "bad number" },
    },
    {
      name: "a nested error with a numeric code",
      body: { error: { code: 1234, message: "m" } },
      expected: { code: "1234", message: "m" },
    },
    {
      name: "the flat error",
      body: {
        transactionId: "t1",
        status: 412,
        name: "PreconditionFailed",
        message: "m",
        info: "i",
      },
      expected: { code: "PreconditionFailed", message: "m (i)" },
    },
    {
      name: "a flat error with status only",
      body: { status: 500, message: "Internal" },
      expected: { code: "500", message: "Internal" },
    },
    {
      name: "the OAuth error",
      body: { error: "invalid_client", error_description: "Client authentication failed" },
      expected: { code: "invalid_client", message: "Client authentication failed" },
    },
    {
      name: "the Apigee OAuth error",
      body: { ErrorCode: "invalid_client", Error: "ClientId is Invalid" },
      expected: { code: "invalid_client", message: "ClientId is Invalid" },
    },
    {
      name: "keys in other cases",
      body: { ErrorResponse: { Code: "C", Message: "M" } },
      expected: { code: "C", message: "M" },
    },
    {
      name: "an array of errors",
      body: [{ code: "FIRST", message: "one" }, { code: "SECOND" }],
      expected: { code: "FIRST", message: "one" },
    },
    { name: "an empty object", body: {}, expected: {} },
  ])("reads $name", ({ body, expected }) => {
    expect(parseErrorBody(JSON.stringify(body))).toEqual(expected);
  });

  it.each([
    ["", {}],
    ["   ", {}],
    ["{not json", {}],
    ["null", {}],
    ["42", {}],
    ['"just a string"', { message: "just a string" }],
    ["<html><body>502 Bad Gateway</body></html>", {}],
    ["Service Unavailable\n", { message: "Service Unavailable" }],
    ["x".repeat(500), {}],
  ])("is lenient with %j", (text, expected) => {
    expect(parseErrorBody(text)).toEqual(expected);
  });

  it("keeps messages on one line", () => {
    const parsed = parseErrorBody(
      '{"errorResponse":{"code":"A","message":"line one\\n  line two"}}',
    );
    expect(parsed.message).toBe("line one line two");
  });
});

describe("isKpnError", () => {
  it("recognises errors by name and code, also from another copy of the package", () => {
    const own = new KpnError({ code: "KPN_REJECTED", kind: "permanent", message: "m" });
    const copy = Object.assign(new Error("m"), { name: "KpnError", code: "KPN_TIMEOUT" });
    expect(isKpnError(own)).toBe(true);
    expect(isKpnError(copy)).toBe(true);
    expect(isKpnError(Object.assign(new Error("m"), { name: "KpnError", code: "OTHER" }))).toBe(
      false,
    );
    expect(isKpnError(new Error("m"))).toBe(false);
    expect(isKpnError(null)).toBe(false);
    expect(isKpnError("KpnError")).toBe(false);
  });

  it("defaults ambiguous to false and truncates the body", () => {
    const error = new KpnError({
      code: "KPN_SERVER_ERROR",
      kind: "transient",
      message: "m",
      body: "b".repeat(2000),
      cause: new Error("root"),
    });
    expect(error.ambiguous).toBe(false);
    expect(error.body).toHaveLength(1000);
    expect((error.cause as Error).message).toBe("root");
    expect(error).toBeInstanceOf(Error);
  });
});
