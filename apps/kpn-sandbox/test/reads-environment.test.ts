import { describe, expect, it } from "vitest";
import { parseSandboxEnv } from "../src/index.js";

describe("parseSandboxEnv", () => {
  it("fills in the defaults", () => {
    expect(parseSandboxEnv({})).toEqual({
      port: 8085,
      host: "127.0.0.1",
      clientId: "sandbox",
      clientSecret: "sandbox",
      faults: {},
      deliveryReports: {},
      logLevel: "info",
    });
  });

  it("treats empty values as unset", () => {
    expect(parseSandboxEnv({ SANDBOX_PORT: "", SANDBOX_FAULTS: "" }).port).toBe(8085);
  });

  it("reads every variable", () => {
    const env = parseSandboxEnv({
      SANDBOX_PORT: "9000",
      SANDBOX_HOST: "0.0.0.0",
      SANDBOX_CLIENT_ID: "id",
      SANDBOX_CLIENT_SECRET: "secret",
      SANDBOX_MAX_CONTENT_LENGTH: "160",
      SANDBOX_MAX_MESSAGES: "50",
      SANDBOX_FAULTS: '{"rate429":0.1,"seed":3}',
      SANDBOX_SEED: "9",
      LOG_LEVEL: "debug",
    });
    expect(env).toEqual({
      port: 9000,
      host: "0.0.0.0",
      clientId: "id",
      clientSecret: "secret",
      maxContentLength: 160,
      maxMessages: 50,
      faults: { rate429: 0.1, seed: 9 },
      deliveryReports: { seed: 9 },
      logLevel: "debug",
    });
  });

  it.each([
    ["SANDBOX_PORT", "http"],
    ["SANDBOX_PORT", "70000"],
    ["SANDBOX_MAX_CONTENT_LENGTH", "0"],
    ["SANDBOX_SEED", "1.5"],
    ["LOG_LEVEL", "loud"],
    ["SANDBOX_FAULTS", "{rate429: 1}"],
    ["SANDBOX_FAULTS", '{"rate429": 3}'],
  ])("refuses %s=%s naming the variable", (variable, value) => {
    expect(() => parseSandboxEnv({ [variable]: value })).toThrow(
      expect.objectContaining({
        code: "SANDBOX_INVALID_ENV",
        message: expect.stringContaining(variable),
      }),
    );
  });

  it("reads the delivery report settings, the single variables over SANDBOX_DLR", () => {
    const env = parseSandboxEnv({
      SANDBOX_DLR: '{"duplicateShare":0.1,"failedShare":0.5,"batch":true}',
      SANDBOX_WEBHOOK_KEY_ID: "key-7",
      SANDBOX_WEBHOOK_SECRET: "s3cret",
      SANDBOX_DLR_DELAY_MS: "250",
      SANDBOX_DLR_TIME_SCALE: "0.001",
      SANDBOX_DLR_FAILED_SHARE: "0.2",
      SANDBOX_DLR_EXPIRED_SHARE: "0.05",
    });
    expect(env.deliveryReports).toEqual({
      duplicateShare: 0.1,
      batch: true,
      keyId: "key-7",
      secret: "s3cret",
      delayMs: 250,
      timeScale: 0.001,
      failedShare: 0.2,
      expiredShare: 0.05,
    });
  });

  it.each([
    ["SANDBOX_DLR_FAILED_SHARE", "1.5"],
    ["SANDBOX_DLR_FAILED_SHARE", "lots"],
    ["SANDBOX_DLR_TIME_SCALE", "-1"],
    ["SANDBOX_DLR_DELAY_MS", "0.5"],
    ["SANDBOX_DLR", "[1]"],
    ["SANDBOX_DLR", '{"pendingStatus":5}'],
  ])("refuses %s=%s naming the variable", (variable, value) => {
    expect(() => parseSandboxEnv({ [variable]: value })).toThrow(
      expect.objectContaining({
        code: "SANDBOX_INVALID_ENV",
        message: expect.stringContaining(variable),
      }),
    );
  });

  it("names the variable of a share that breaks the sum of SANDBOX_DLR", () => {
    expect(() =>
      parseSandboxEnv({ SANDBOX_DLR: '{"failedShare":0.9}', SANDBOX_DLR_EXPIRED_SHARE: "0.2" }),
    ).toThrow(/SANDBOX_DLR_EXPIRED_SHARE: expiredShare: failedShare \+ expiredShare/);
  });

  it("names the field inside SANDBOX_FAULTS", () => {
    expect(() => parseSandboxEnv({ SANDBOX_FAULTS: '{"hangMs":"long"}' })).toThrow(/hangMs/);
  });
});
