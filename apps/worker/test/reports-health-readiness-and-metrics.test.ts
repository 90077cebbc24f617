import { readFileSync } from "node:fs";
import { startTestRedis } from "@sms-relay/testing";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { parseWorkerEnv } from "../src/env.js";
import { createHealthServer, type HealthServer } from "../src/health-server.js";
import { createWorkerMetrics } from "../src/metrics.js";
import { createReadiness } from "../src/readiness.js";
import { startWorker } from "../src/start-worker.js";

let server: HealthServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("health server", () => {
  it("answers /healthz, reports readiness with a reason, and serves metrics", async () => {
    const readiness = createReadiness();
    const metrics = createWorkerMetrics({ readTokenRequests: () => 3, readiness });
    metrics.sent.inc(2);
    metrics.failed.inc({ reason: "rejected" });
    server = createHealthServer({ registry: metrics.registry, readiness: readiness.report });
    const { url } = await server.listen(0, "127.0.0.1");

    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    let ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "not_ready", reason: "starting" });

    expect(await (await fetch(`${url}/metrics`)).text()).toContain("sms_worker_ready 0");

    readiness.setRedisConnected(true);
    readiness.setWorkerRunning(true);
    ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    let text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain("sms_worker_ready 1");
    expect(text).toContain("sms_kpn_auth_failing 0");

    readiness.setKpnFault("kpn_auth_failing");
    ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ reason: "kpn_auth_failing" });
    text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain("sms_worker_ready 0");
    expect(text).toContain("sms_kpn_auth_failing 1");

    readiness.setKpnFault(undefined);
    readiness.setRedisConnected(false);
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({
      reason: "redis_disconnected",
    });

    readiness.setShuttingDown();
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ reason: "shutting_down" });

    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    text = await response.text();
    expect(text).toContain("sms_sent_total 2");
    expect(text).toContain('sms_failed_total{reason="rejected"} 1');
    expect(text).toContain("kpn_token_requests_total 3");
    expect(text).toContain("process_cpu_user_seconds_total");
    const { version } = JSON.parse(
      readFileSync(new URL("../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    expect(text).toContain(
      `sms_relay_build_info{version="${version}",node="${process.version}"} 1`,
    );
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it("registers on a registry it is given, without default metrics", async () => {
    const registry = new Registry();
    createWorkerMetrics({ registry });
    const text = await registry.metrics();
    expect(text).toContain("sms_jobs_active");
    expect(text).not.toContain("process_cpu_user_seconds_total");
  });
});

describe("startWorker", () => {
  it("fails with a message naming HEALTH_PORT when the port is taken", async () => {
    const redis = await startTestRedis();
    const blocker = createHealthServer({ registry: new Registry() });
    const { port } = await blocker.listen(0, "127.0.0.1");
    try {
      const config = parseWorkerEnv({
        REDIS_URL: redis.url,
        SMS_QUEUE_PREFIX: redis.uniquePrefix("port"),
        KPN_CLIENT_ID: "id",
        KPN_CLIENT_SECRET: "secret",
        HEALTH_PORT: String(port),
        LOG_LEVEL: "silent",
      });
      await expect(startWorker({ config, healthHost: "127.0.0.1" })).rejects.toThrow(/HEALTH_PORT/);
    } finally {
      await blocker.close();
      await redis.close();
    }
  });
});
