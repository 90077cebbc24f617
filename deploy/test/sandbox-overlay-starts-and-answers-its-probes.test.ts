import { connect } from "node:net";
import { parseDashboardEnv, startDashboard } from "@sms-relay/dashboard";
import { createSandbox, parseSandboxEnv } from "@sms-relay/kpn-sandbox";
import { SmsProducer } from "@sms-relay/producer";
import { parseReceiptsEnv, startReceipts } from "@sms-relay/receipts";
import { createLogger } from "@sms-relay/runtime";
import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { parseWorkerEnv, startWorker } from "@sms-relay/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCheckContext } from "../src/check-context.js";
import { checkRendering } from "../src/check-rendering.js";
import type { AppInstance } from "../src/check-workloads.js";
import { containerPort } from "../src/check-workloads.js";
import { KUBERNETES_DIR } from "../src/paths.js";
import type { Probe } from "../src/pod-env.js";
import { renderKustomization } from "../src/render-kustomization.js";

const logger = createLogger({ service: "deploy-test", level: "silent" });
const closers: Array<() => Promise<void>> = [];
let redis: TestRedis;
let prefix: string;
let apps: AppInstance[];
/** Where each started app listens, by its Deployment's name. */
const started = new Map<string, string>();

function app(name: string): AppInstance {
  const found = apps.find((entry) => entry.workload.deployment.metadata.name === name);
  if (!found) throw new Error(`the sandbox overlay runs no ${name}`);
  return found;
}

/**
 * The environment a Deployment's container gets in the sandbox overlay (its image's ENV, its
 * ConfigMap, its Secrets), with what only a cluster has replaced: the Redis of this test, a
 * prefix of its own, ports picked by the system and loopback instead of every interface.
 */
function envOf(name: string, overrides: Record<string, string>): Record<string, string> {
  return { ...app(name).env, REDIS_URL: redis.url, SMS_QUEUE_PREFIX: prefix, ...overrides };
}

beforeAll(async () => {
  redis = await startTestRedis();
  prefix = redis.uniquePrefix("k8s-sandbox");
  const objects = await renderKustomization(`${KUBERNETES_DIR}overlays/sandbox`, KUBERNETES_DIR);
  const report = await checkRendering(objects, await loadCheckContext());
  expect(report.problems).toEqual([]);
  apps = report.apps;

  const {
    port: _port,
    host: _host,
    logLevel: _level,
    ...options
  } = parseSandboxEnv(envOf("kpn-sandbox", { SANDBOX_PORT: "0", SANDBOX_HOST: "127.0.0.1" }));
  const sandbox = createSandbox({ ...options, logger });
  const { url: sandboxUrl } = await sandbox.listen(0, "127.0.0.1");
  closers.push(() => sandbox.close());
  started.set("kpn-sandbox", sandboxUrl);

  const receipts = await startReceipts(
    parseReceiptsEnv(envOf("receipts", { RECEIPTS_PORT: "0", RECEIPTS_HOST: "127.0.0.1" })),
    logger,
  );
  closers.push(() => receipts.close());
  started.set("receipts", receipts.url);

  const worker = await startWorker({
    config: parseWorkerEnv(
      envOf("worker", {
        HEALTH_PORT: "0",
        KPN_BASE_URL: sandboxUrl,
        SMS_DLR_URL: `${receipts.url}/kpn/dlr`,
      }),
    ),
    logger,
    healthHost: "127.0.0.1",
  });
  closers.push(() => worker.close());
  started.set("worker", worker.healthUrl);

  const dashboard = await startDashboard(
    parseDashboardEnv(envOf("dashboard", { DASHBOARD_PORT: "0", DASHBOARD_HOST: "127.0.0.1" })),
    logger,
  );
  closers.push(() => dashboard.close());
  started.set("dashboard", dashboard.url.replace(/\/$/, ""));
}, 60_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await redis?.close();
});

async function answers(base: string, probe: Probe): Promise<boolean> {
  if (probe.httpGet) {
    const response = await fetch(`${base}${probe.httpGet.path}`);
    await response.body?.cancel();
    return response.status === 200;
  }
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

describe("the sandbox overlay's apps, started with the configuration of its manifests", () => {
  it.each(["worker", "receipts", "dashboard", "kpn-sandbox"])(
    "%s answers each of its probes",
    async (name) => {
      const { container } = app(name).workload;
      const probes = [container.livenessProbe, container.readinessProbe].filter(
        (probe): probe is Probe => probe !== undefined,
      );
      expect(probes.length).toBe(2);
      for (const probe of probes) {
        // The probes name the port the app listens on (the checks hold them together); here the
        // app listens on a free port instead, and each probe's path is asked there.
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
        expect(containerPort(container, port!)).toBe(app(name).config.port);
        await waitFor(() => answers(started.get(name)!, probe), {
          timeoutMs: 10_000,
          description: `${name} ${probe.httpGet?.path ?? "port"}`,
        });
      }
    },
  );

  it("carries an SMS from the queue through the kpn-sandbox to a delivery report", async () => {
    const producer = new SmsProducer({ connection: redis.url, prefix });
    try {
      const { id } = await producer.send({ to: "0612345678", content: "Hallo vanuit Kubernetes" });
      const status = await waitFor(
        async () => {
          const current = await producer.status(id);
          // The delivery report can come before the worker has marked the job done: wait for both.
          return current.state === "sent" && current.delivery.state === "delivered"
            ? current
            : undefined;
        },
        { timeoutMs: 20_000, description: "the SMS to be sent and delivered" },
      );
      expect(status.state).toBe("sent");
      expect(status.documentIds.length).toBe(1);
    } finally {
      await producer.close();
    }
  });
});
