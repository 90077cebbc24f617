import { describe, expect, it } from "vitest";
import { parseDashboardEnv } from "../src/index.js";

const credentials = { DASHBOARD_USER: "ops", DASHBOARD_PASSWORD: "s3cret" };

describe("parseDashboardEnv", () => {
  it("applies the defaults", () => {
    expect(parseDashboardEnv(credentials)).toEqual({
      port: 3000,
      host: "127.0.0.1",
      auth: { user: "ops", password: "s3cret" },
      readOnly: false,
      redisUrl: "redis://127.0.0.1:6379",
      prefix: "bull",
      logLevel: "info",
      trustProxy: false,
      maxContentLength: 1000,
    });
  });

  it("reads every variable", () => {
    const config = parseDashboardEnv({
      ...credentials,
      DASHBOARD_PORT: "8080",
      DASHBOARD_HOST: "0.0.0.0",
      DASHBOARD_READ_ONLY: "1",
      REDIS_URL: "redis://redis:6379/2",
      SMS_QUEUE_PREFIX: "{sms}",
      LOG_LEVEL: "debug",
      KPN_MAX_CONTENT_LENGTH: "160",
    });
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      readOnly: true,
      redisUrl: "redis://redis:6379/2",
      prefix: "{sms}",
      logLevel: "debug",
      maxContentLength: 160,
    });
  });

  it.each([
    [{}, "DASHBOARD_USER"],
    [{ DASHBOARD_USER: "ops" }, "DASHBOARD_PASSWORD"],
    [{ DASHBOARD_PASSWORD: "x" }, "DASHBOARD_USER"],
    [{ DASHBOARD_USER: "ops", DASHBOARD_PASSWORD: "" }, "DASHBOARD_PASSWORD"],
  ])("refuses missing credentials %j, naming %s and the way out", (env, variable) => {
    expect(() => parseDashboardEnv(env)).toThrow(
      expect.objectContaining({
        code: "DASHBOARD_CONFIG",
        variable,
        message: expect.stringContaining("DASHBOARD_AUTH=off"),
      }),
    );
  });

  it.each([
    ["1", 1],
    ["true", true],
    ["loopback", "loopback"],
    ["loopback, 10.0.0.0/8", "loopback, 10.0.0.0/8"],
  ])("reads DASHBOARD_TRUST_PROXY=%s", (value, expected) => {
    expect(parseDashboardEnv({ ...credentials, DASHBOARD_TRUST_PROXY: value }).trustProxy).toBe(
      expected,
    );
  });

  it("runs without credentials when DASHBOARD_AUTH=off", () => {
    expect(parseDashboardEnv({ DASHBOARD_AUTH: "off" }).auth).toBe(false);
  });

  it.each([
    ["DASHBOARD_PORT", "http"],
    ["DASHBOARD_PORT", "70000"],
    ["DASHBOARD_READ_ONLY", "maybe"],
    ["DASHBOARD_AUTH", "disabled"],
    ["REDIS_URL", "127.0.0.1:6379"],
    ["LOG_LEVEL", "loud"],
  ])("names %s when its value %j is bad", (variable, value) => {
    expect(() => parseDashboardEnv({ ...credentials, [variable]: value })).toThrow(
      expect.objectContaining({ variable, message: expect.stringContaining(variable) }),
    );
  });
});
