import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KpnClient, KpnErrorCode, KpnErrorKind } from "../src/index.js";
import { clientFor, oneSms, rejection } from "./support/client.js";
import { type FakeKpn, startFakeKpn } from "./support/fake-kpn.js";

interface Case {
  name: string;
  status: number;
  body: string;
  headers?: Record<string, string>;
  code: KpnErrorCode;
  kind: KpnErrorKind;
  ambiguous: boolean;
  apiCode?: string;
  apiMessage?: string;
  message: RegExp;
}

const errorResponse = (code: string, message: string, info?: string) =>
  JSON.stringify({ errorResponse: { code, message, info } });
const fault = (errorcode: string, faultstring: string) =>
  JSON.stringify({ fault: { faultstring, detail: { errorcode } } });

const cases: Case[] = [
  {
    name: "400 with the API's own errorResponse",
    status: 400,
    body: errorResponse("SMS_INVALID_SENDER", "sender is longer than 11 characters"),
    code: "KPN_REJECTED",
    kind: "permanent",
    ambiguous: false,
    apiCode: "SMS_INVALID_SENDER",
    apiMessage: "sender is longer than 11 characters",
    message:
      /^KPN API rejected the message \(400 SMS_INVALID_SENDER\): sender is longer than 11 characters$/,
  },
  {
    name: "400 validation fault from the gateway",
    status: 400,
    body: fault("steps.jsonthreatprotection.ExecutionFailed", "JSON threat detected"),
    code: "KPN_REJECTED",
    kind: "permanent",
    ambiguous: false,
    apiCode: "steps.jsonthreatprotection.ExecutionFailed",
    apiMessage: "JSON threat detected",
    message: /rejected the message \(400 steps\.jsonthreatprotection\.ExecutionFailed\)/,
  },
  {
    name: "403 with a nested error object",
    status: 403,
    body: JSON.stringify({
      error: { transactionId: "t-1", status: 403, name: "Forbidden", message: "not allowed" },
    }),
    code: "KPN_REJECTED",
    kind: "permanent",
    ambiguous: false,
    apiCode: "Forbidden",
    apiMessage: "not allowed",
    message: /\(403 Forbidden\): not allowed/,
  },
  {
    name: "404 with a flat error",
    status: 404,
    body: JSON.stringify({ status: 404, name: "NotFound", message: "no such resource" }),
    code: "KPN_REJECTED",
    kind: "permanent",
    ambiguous: false,
    apiCode: "NotFound",
    message: /\(404 NotFound\)/,
  },
  ...[405, 409, 412, 413, 422].map(
    (status): Case => ({
      name: `${status} without a body`,
      status,
      body: "",
      code: "KPN_REJECTED",
      kind: "permanent",
      ambiguous: false,
      message: new RegExp(`^KPN API rejected the message \\(${status}\\)$`),
    }),
  ),
  {
    name: "302 redirect",
    status: 302,
    body: "",
    headers: { location: "https://login.example/" },
    code: "KPN_REDIRECTED",
    kind: "transient",
    ambiguous: false,
    message:
      /^KPN send request was redirected \(302\) to "https:\/\/login\.example\/"; redirects are not followed: check baseUrl and sendPath$/,
  },
  {
    name: "408 request timeout",
    status: 408,
    body: "",
    code: "KPN_SERVER_ERROR",
    kind: "transient",
    ambiguous: false,
    message: /\(408\)/,
  },
  ...[500, 502, 504].map(
    (status): Case => ({
      name: `${status}: may have been acted on`,
      status,
      body: fault("messaging.adaptors.http.flow.GatewayTimeout", "Gateway Timeout"),
      code: "KPN_SERVER_ERROR",
      kind: "transient",
      ambiguous: true,
      apiCode: "messaging.adaptors.http.flow.GatewayTimeout",
      message: new RegExp(`^KPN API server error \\(${status} messaging`),
    }),
  ),
  {
    name: "503: nothing was sent",
    status: 503,
    body: "Service Unavailable",
    code: "KPN_SERVER_ERROR",
    kind: "transient",
    ambiguous: false,
    apiMessage: "Service Unavailable",
    message: /^KPN API server error \(503\): Service Unavailable$/,
  },
  {
    name: "500 carrying a spike arrest fault is a rate limit",
    status: 500,
    body: fault("policies.ratelimit.SpikeArrestViolation", "Spike arrest violation"),
    code: "KPN_RATE_LIMITED",
    kind: "rate_limited",
    ambiguous: false,
    apiCode: "policies.ratelimit.SpikeArrestViolation",
    message: /rate limit hit \(500 policies\.ratelimit\.SpikeArrestViolation\)/,
  },
  {
    name: "500 with an HTML page keeps the raw body",
    status: 500,
    body: "<html><body>Internal error</body></html>",
    code: "KPN_SERVER_ERROR",
    kind: "transient",
    ambiguous: true,
    message: /^KPN API server error \(500\)$/,
  },
];

describe("classifying error responses of a send", () => {
  let kpn: FakeKpn;
  let client: KpnClient;
  let current: Case | undefined;

  beforeAll(async () => {
    kpn = await startFakeKpn({
      send: (_request, response) => {
        const answer = current;
        if (answer === undefined) throw new Error("no case set");
        response.writeHead(answer.status, {
          "content-type": "application/json",
          ...answer.headers,
        });
        response.end(answer.body);
      },
    });
    client = clientFor(kpn);
  });
  afterAll(async () => {
    await client.close();
    await kpn.close();
  });

  it.each(cases)("$name", async (testCase) => {
    current = testCase;
    const sendsBefore = kpn.sendRequests.length;
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({
      name: "KpnError",
      code: testCase.code,
      kind: testCase.kind,
      ambiguous: testCase.ambiguous,
      status: testCase.status,
      body: testCase.body,
    });
    if (testCase.apiCode !== undefined) expect(error.apiCode).toBe(testCase.apiCode);
    if (testCase.apiMessage !== undefined) expect(error.apiMessage).toBe(testCase.apiMessage);
    expect(error.message).toMatch(testCase.message);
    expect(error.message).not.toContain("\n");
    // Nothing but refused tokens and failed connects is retried inside the client.
    expect(kpn.sendRequests.length - sendsBefore).toBe(1);
  });

  it("keeps response headers (quota) and truncates a long body to 1000 characters", async () => {
    current = {
      ...(cases[0] as Case),
      body: JSON.stringify({ errorResponse: { code: "X", message: "m".repeat(5000) } }),
      headers: { "quota-limit": "100", "quota-used": "7", "set-cookie": "session=abc" },
    };
    const error = await rejection(client.send(oneSms));
    expect(error.body).toHaveLength(1000);
    expect(error.headers).toMatchObject({ "quota-limit": "100", "quota-used": "7" });
    expect(error.headers?.["set-cookie"]).toBeUndefined();
    expect(error.message.length).toBeLessThan(400);
  });
});
