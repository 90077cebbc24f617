import { describe, expect, it } from "vitest";
import { parseWorkerEnv, redactWorkerConfig, WorkerConfigError } from "../src/env.js";

const required = { KPN_CLIENT_ID: "client-id", KPN_CLIENT_SECRET: "s3cr3t-value" };

function configError(env: Record<string, string | undefined>): WorkerConfigError {
  try {
    parseWorkerEnv(env);
  } catch (error) {
    if (error instanceof WorkerConfigError) return error;
    throw error;
  }
  throw new Error("expected a WorkerConfigError");
}

describe("worker configuration from the environment", () => {
  it("applies the documented defaults", () => {
    expect(parseWorkerEnv(required)).toEqual({
      redisUrl: "redis://127.0.0.1:6379",
      redisCluster: false,
      queuePrefix: "bull",
      kpnBaseUrl: "https://api-prd.kpn.com",
      kpnSendPath: "/communication/kpn/sms/send",
      kpnClientId: "client-id",
      kpnClientSecret: "s3cr3t-value",
      kpnMaxContentLength: 1000,
      kpnTimeoutMs: 10_000,
      defaultSender: "SMSRelay",
      maxSegments: 10,
      concurrency: 1600,
      rateLimitPerSecond: 0,
      batchSize: 200,
      batchWaitMs: 20,
      maxAttempts: 10,
      backoffMs: 2000,
      backoffMaxMs: 600_000,
      keepCompletedSeconds: 604_800,
      healthPort: 9464,
      shutdownGraceMs: 25_000,
      logLevel: "info",
      callbackBackoffMs: 5000,
    });
  });

  it("reads the delivery report URL and the callback secret, and never shows the secret", () => {
    const config = parseWorkerEnv({
      ...required,
      SMS_DLR_URL: "https://sms.example/kpn/dlr",
      SMS_CALLBACK_SECRET: "callback-secret-0123456789",
    });
    expect(config).toMatchObject({
      dlrUrl: "https://sms.example/kpn/dlr",
      callbackSecret: "callback-secret-0123456789",
    });
    expect(JSON.stringify(redactWorkerConfig(config))).not.toContain("callback-secret-0123456789");
    const error = configError({ ...required, SMS_CALLBACK_SECRET: "short-secret" });
    expect(error.variables).toEqual(["SMS_CALLBACK_SECRET"]);
    expect(error.message).not.toContain("short-secret");
    expect(configError({ ...required, SMS_DLR_URL: "ftp://x" }).variables).toEqual(["SMS_DLR_URL"]);
  });

  it("reads every variable", () => {
    const config = parseWorkerEnv({
      ...required,
      REDIS_URL: "redis://:pw@redis.internal:6380/2",
      REDIS_CLUSTER: "1",
      SMS_QUEUE_PREFIX: "{sms}",
      KPN_BASE_URL: "http://127.0.0.1:8085",
      KPN_SEND_PATH: "/messaging/sms-kpn/v1/send",
      KPN_MAX_CONTENT_LENGTH: "160",
      KPN_TIMEOUT_MS: "2500",
      SMS_DEFAULT_SENDER: "MyShop",
      SMS_MAX_SEGMENTS: "4",
      WORKER_CONCURRENCY: "8",
      SMS_RATE_LIMIT_PER_SECOND: "25",
      SMS_MAX_ATTEMPTS: "3",
      SMS_BACKOFF_MS: "100",
      SMS_BACKOFF_MAX_MS: "1000",
      SMS_KEEP_COMPLETED_SECONDS: "60",
      HEALTH_PORT: "0",
      SHUTDOWN_GRACE_MS: "500",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      redisUrl: "redis://:pw@redis.internal:6380/2",
      redisCluster: true,
      queuePrefix: "{sms}",
      kpnBaseUrl: "http://127.0.0.1:8085",
      kpnSendPath: "/messaging/sms-kpn/v1/send",
      kpnMaxContentLength: 160,
      kpnTimeoutMs: 2500,
      defaultSender: "MyShop",
      maxSegments: 4,
      concurrency: 8,
      rateLimitPerSecond: 25,
      maxAttempts: 3,
      backoffMs: 100,
      backoffMaxMs: 1000,
      keepCompletedSeconds: 60,
      healthPort: 0,
      shutdownGraceMs: 500,
      logLevel: "debug",
    });
  });

  it("treats an empty variable as unset", () => {
    expect(parseWorkerEnv({ ...required, WORKER_CONCURRENCY: "", LOG_LEVEL: " " })).toMatchObject({
      concurrency: 1600,
      logLevel: "info",
    });
  });

  it("keeps room for eight full batches in flight unless WORKER_CONCURRENCY says otherwise", () => {
    expect(parseWorkerEnv({ ...required, SMS_BATCH_SIZE: "1" }).concurrency).toBe(50);
    expect(parseWorkerEnv({ ...required, SMS_BATCH_SIZE: "25" }).concurrency).toBe(200);
    expect(
      parseWorkerEnv({ ...required, SMS_BATCH_SIZE: "25", WORKER_CONCURRENCY: "30" }).concurrency,
    ).toBe(30);
  });

  it.each([
    ["REDIS_URL", "http://localhost:6379"],
    ["REDIS_CLUSTER", "yes"],
    ["SMS_QUEUE_PREFIX", "a:b"],
    ["KPN_BASE_URL", "not a url"],
    ["KPN_SEND_PATH", "communication/kpn/sms/send"],
    ["KPN_MAX_CONTENT_LENGTH", "0"],
    ["KPN_TIMEOUT_MS", "ten"],
    ["SMS_DEFAULT_SENDER", "ThisSenderIsTooLong"],
    ["SMS_MAX_SEGMENTS", "1.5"],
    ["WORKER_CONCURRENCY", "0"],
    ["SMS_RATE_LIMIT_PER_SECOND", "-1"],
    ["SMS_MAX_ATTEMPTS", "0"],
    ["SMS_BACKOFF_MS", "abc"],
    ["SMS_BACKOFF_MAX_MS", "1"],
    ["SMS_KEEP_COMPLETED_SECONDS", "-5"],
    ["HEALTH_PORT", "70000"],
    ["SHUTDOWN_GRACE_MS", "soon"],
    ["LOG_LEVEL", "verbose"],
  ])("names %s when its value is bad (%s)", (variable, value) => {
    const error = configError({ ...required, [variable]: value });
    expect(error.code).toBe("WORKER_CONFIG_INVALID");
    expect(error.variables).toEqual([variable]);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain("\n");
  });

  it.each(["KPN_CLIENT_ID", "KPN_CLIENT_SECRET"])("requires %s", (variable) => {
    const env: Record<string, string> = { ...required };
    delete env[variable];
    const error = configError(env);
    expect(error.variables).toEqual([variable]);
    expect(error.message).toContain(`${variable} is required`);
  });

  it("never puts the client secret in an error message", () => {
    const error = configError({
      KPN_CLIENT_ID: "id",
      KPN_CLIENT_SECRET: "s3cr3t-value",
      LOG_LEVEL: "x",
    });
    expect(error.message).not.toContain("s3cr3t-value");
  });

  it.each([
    "http://app:hunter2@redis:6379",
    "redis//app:hunter2@redis:6379",
    "tcp://app:hunter2@redis:6379",
  ])("never shows the Redis password of a malformed REDIS_URL %s", (value) => {
    const error = configError({ ...required, REDIS_URL: value });
    expect(error.variables).toEqual(["REDIS_URL"]);
    expect(error.message).toContain("REDIS_URL must be a URL starting with redis:// or rediss://");
    expect(error.message).not.toContain("hunter2");
  });

  it("redacts the secret and the Redis password for logging", () => {
    const config = parseWorkerEnv({ ...required, REDIS_URL: "redis://user:hunter2@redis:6379" });
    const shown = JSON.stringify(redactWorkerConfig(config));
    expect(shown).not.toContain("s3cr3t-value");
    expect(shown).not.toContain("hunter2");
    expect(shown).toContain("client-id");
  });
});
