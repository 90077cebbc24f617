import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  createKpnClient,
  isKpnError,
  KPN_CLIENT_VERSION,
  type KpnClientOptions,
} from "../src/index.js";

const valid: KpnClientOptions = {
  baseUrl: "https://api-prd.kpn.com",
  clientId: "id",
  clientSecret: "secret",
};

function optionError(options: Partial<Record<keyof KpnClientOptions, unknown>>): unknown {
  try {
    const client = createKpnClient({ ...valid, ...options } as KpnClientOptions);
    void client.close();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("createKpnClient options", () => {
  it("accepts the minimal options and closes without having connected", async () => {
    const client = createKpnClient(valid);
    expect(client.tokenRequests).toBe(0);
    await client.close();
    await client.close();
  });

  it.each<[keyof KpnClientOptions, unknown, RegExp]>([
    ["baseUrl", "", /baseUrl must be a non-empty string, got ""/],
    ["baseUrl", "api-prd.kpn.com", /baseUrl must be an absolute http\(s\) URL/],
    ["baseUrl", "ftp://api-prd.kpn.com", /baseUrl must use http or https/],
    ["baseUrl", "https://user:pw@api-prd.kpn.com", /baseUrl must not carry credentials/],
    ["baseUrl", "https://api-prd.kpn.com?x=1", /baseUrl must not carry credentials, a query/],
    ["clientId", "  ", /clientId must be a non-empty string/],
    ["clientId", undefined, /clientId must be a non-empty string, got undefined/],
    ["clientSecret", "", /clientSecret must be a non-empty string, got string$/],
    ["sendPath", "communication/kpn/sms/send", /sendPath must be a path starting with "\/"/],
    ["sendPath", "/send?x=1", /sendPath must be a path/],
    ["timeoutMs", 0, /timeoutMs must be an integer >= 1, got 0/],
    ["timeoutMs", 1.5, /timeoutMs must be an integer >= 1, got 1.5/],
    ["timeoutMs", "100", /timeoutMs must be an integer >= 1, got "100"/],
    ["connections", 0, /connections must be an integer >= 1/],
    ["tokenRefreshMarginMs", -1, /tokenRefreshMarginMs must be an integer >= 0/],
    ["tokenRetries", Number.NaN, /tokenRetries must be an integer >= 0, got NaN/],
    ["connectRetries", -2, /connectRetries must be an integer >= 0/],
    ["userAgent", "a\nb", /userAgent must be a one-line string/],
    ["dispatcher", {}, /dispatcher must be an undici Dispatcher, got object/],
  ])("rejects %s = %j naming the option", (name, value, message) => {
    const error = optionError({ [name]: value });
    expect(isKpnError(error)).toBe(true);
    expect(error).toMatchObject({ code: "KPN_INVALID_OPTIONS", name: "KpnError" });
    expect((error as Error).message).toMatch(new RegExp(`^KPN client option ${name} `));
    expect((error as Error).message).toMatch(message);
  });

  it("accepts zero retries and margin", () => {
    expect(optionError({ tokenRetries: 0, connectRetries: 0, tokenRefreshMarginMs: 0 })).toBe(
      undefined,
    );
  });

  it("sends the package version in the default User-Agent", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(KPN_CLIENT_VERSION).toBe(pkg.version);
  });
});
