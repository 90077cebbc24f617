import { createSandbox, type KpnSandbox } from "@sms-relay/kpn-sandbox";
import {
  deliveryKeys,
  deliveryReportMark,
  newDeliveryReference,
  SmsProducer,
} from "@sms-relay/producer";
import { freePort, startRedisCluster, type TestRedisCluster, waitFor } from "@sms-relay/testing";
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhookBody } from "../src/webhook-keys.js";
import {
  type AppProcess,
  RECEIPTS_MAIN,
  spawnApp,
  WORKER_MAIN,
  waitUntilAnswers,
} from "./support/app-process.js";
import {
  expectedDeliveries,
  expectedSeenMarks,
  metricSum,
  readRecordedDelivery,
  readSeenMarks,
} from "./support/reported-deliveries.js";

const TOTAL = 20;
const KEY_ID = "cluster-key";
const SECRET = "cluster-webhook-secret-3b8a";

describe("receipts on a Redis Cluster (REDIS_CLUSTER=1, prefix with a hash tag)", () => {
  let cluster: TestRedisCluster;
  let client: Cluster;
  let sandbox: KpnSandbox;
  let producer: SmsProducer;
  let worker: AppProcess | undefined;
  let receipts: AppProcess | undefined;
  let prefix: string;
  let receiptsUrl: string;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = cluster.connect();
    prefix = cluster.uniquePrefix("receipts");
    sandbox = createSandbox({
      maxContentLength: 160,
      deliveryReports: {
        keyId: KEY_ID,
        secret: SECRET,
        failedShare: 0.2,
        expiredShare: 0.1,
        pendingShare: 0.4,
        outOfOrderShare: 0.2,
        duplicateShare: 0.3,
        timeScale: 0.001,
        seed: 3,
      },
    });
    const { url: sandboxUrl } = await sandbox.listen();
    const port = await freePort();
    receiptsUrl = `http://127.0.0.1:${port}`;
    receipts = spawnApp("receipts", RECEIPTS_MAIN, {
      REDIS_URL: cluster.url,
      REDIS_CLUSTER: "1",
      SMS_QUEUE_PREFIX: prefix,
      RECEIPTS_PORT: String(port),
      KPN_WEBHOOK_KEYS: `${KEY_ID}:${SECRET}`,
      LOG_LEVEL: "warn",
    });
    await waitUntilAnswers(receipts, `${receiptsUrl}/readyz`);
    worker = spawnApp("worker", WORKER_MAIN, {
      REDIS_URL: cluster.url,
      REDIS_CLUSTER: "1",
      SMS_QUEUE_PREFIX: prefix,
      KPN_BASE_URL: sandboxUrl,
      KPN_CLIENT_ID: "sandbox",
      KPN_CLIENT_SECRET: "sandbox",
      KPN_MAX_CONTENT_LENGTH: "160",
      SMS_DLR_URL: `${receiptsUrl}/kpn/dlr`,
      HEALTH_PORT: "0",
      LOG_LEVEL: "warn",
    });
    producer = new SmsProducer({ connection: client, prefix, maxContentLength: 160 });
  });

  afterAll(async () => {
    await worker?.stop();
    await receipts?.stop();
    await producer?.close();
    await sandbox?.close();
    await cluster?.close();
  });

  it("stores signed reports, readable by status(), with every key in the prefix's slot", async () => {
    const long = `${"Uw afspraak is morgen om 10:00 bij de tandarts. ".repeat(5)}Groet.`;
    const { accepted, rejected } = await producer.sendMany(
      Array.from({ length: TOTAL }, (_, i) => ({
        to: `+3166${String(i).padStart(7, "0")}`,
        content: i === 0 ? long : `cluster code ${1000 + i}`,
        sender: "RelayTest",
      })),
    );
    expect(rejected).toEqual([]);
    await waitFor(() => sentSms(sandbox) >= TOTAL, {
      timeoutMs: 20_000,
      description: `${TOTAL} sends at the sandbox`,
    });
    await sandbox.reportsSettled(20_000);

    // One report whose reference names no request: answered 204 and kept as unmatched.
    const stray = newDeliveryReference();
    const strayReport = { DLRID: "stray-1", RecipientPhonenumber: "+31612345678", Status: 1 };
    const body = JSON.stringify(strayReport);
    const response = await fetch(`${receiptsUrl}/kpn/dlr/${stray}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-kpn-webhook-key-id": KEY_ID,
        "x-kpn-webhook-signature": signWebhookBody(SECRET, body),
      },
      body,
    });
    expect(response.status).toBe(204);

    const reports = sandbox.sentReports();
    expect(sandbox.deliveryReportStats()).toMatchObject({ dropped: 0 });
    expect(reports.every((r) => r.attempts.length === 1 && r.state === "delivered")).toBe(true);
    const expected = expectedDeliveries(reports);
    for (const receipt of accepted) {
      const want = expected.get(receipt.to);
      const status = await producer.status(receipt.id);
      expect(status.state, receipt.id).toBe("sent");
      expect(status.delivery, receipt.id).toMatchObject({ state: want?.state, code: want?.code });
      const recorded = await readRecordedDelivery(client, prefix, receipt.id);
      expect(recorded.parts, receipt.id).toEqual(want?.parts);
    }
    expect(new Set([...expected.values()].map((e) => e.state))).toEqual(
      new Set(["delivered", "failed", "expired"]),
    );

    const keys = await cluster.findKeys(`${prefix}:*`);
    const slot = Number(await client.cluster("KEYSLOT", prefix));
    expect(new Set(keys.map((key) => key.slot))).toEqual(new Set([slot]));
    const names = keys.map((key) => key.key);
    const base = `${prefix}:sms:dlr:`;
    // One reference hash per request, and one for the stray report, holding only its mark.
    const references = names.filter((name) => name.startsWith(`${base}ref:`));
    expect(references).toHaveLength(sandbox.received().length + 1);
    expect(names.filter((name) => name.startsWith(`${base}state:`))).toHaveLength(TOTAL);
    // No key of its own for a mark: beside references and states only the unmatched list.
    const others = names.filter(
      (name) =>
        name.startsWith(base) &&
        !name.startsWith(`${base}ref:`) &&
        !name.startsWith(`${base}state:`),
    );
    expect(others).toEqual([deliveryKeys(prefix).unmatched]);
    const strayMark = deliveryReportMark({
      recipient: "+31612345678",
      status: 1,
      dlrId: "stray-1",
    });
    expect(await client.hkeys(deliveryKeys(prefix).reference(stray))).toEqual([strayMark]);
    expect(await client.ttl(deliveryKeys(prefix).reference(stray))).toBeGreaterThan(0);
    const seen = await readSeenMarks(client, prefix, references);
    expect(seen).toEqual(new Set([...expectedSeenMarks(reports), `${stray} ${strayMark}`]));
    expect(await client.llen(deliveryKeys(prefix).unmatched)).toBe(1);

    const metrics = await (await fetch(`${receiptsUrl}/metrics`)).text();
    const duplicates = reports.filter((r) => r.duplicate).length;
    expect(duplicates).toBeGreaterThan(0);
    expect(metricSum(metrics, "sms_dlr_duplicates_total")).toBe(duplicates);
    expect(metricSum(metrics, "sms_dlr_unmatched_total")).toBe(1);
    expect(metricSum(metrics, "sms_dlr_reports_total")).toBe(seen.size);
  });
});

/** SMS the sandbox received (a batched request carries many). */
function sentSms(sandbox: { received(): ReadonlyArray<{ messages: readonly unknown[] }> }): number {
  return sandbox.received().reduce((sum, request) => sum + request.messages.length, 0);
}
