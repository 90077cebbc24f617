import { createSandbox, type KpnSandbox, RETRY_GAPS_SECONDS } from "@sms-relay/kpn-sandbox";
import { deliveryKeys, type SendSmsReceipt, SmsProducer } from "@sms-relay/producer";
import { freePort, startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AppProcess,
  RECEIPTS_MAIN,
  spawnApp,
  WORKER_MAIN,
  waitUntilAnswers,
} from "../support/app-process.js";
import {
  expectedDeliveries,
  expectedSeenMarks,
  metricSum,
  readRecordedDelivery,
  readSeenMarks,
  scanKeys,
} from "../support/reported-deliveries.js";

const TOTAL = 800;
/** KPN's retry gaps of 60, 120 and 240 s become 1.5, 3 and 6 s. */
const TIME_SCALE = 0.025;
/** From a report's first failed attempt to its last: a restart later than this loses reports. */
const RETRY_WINDOW_MS = RETRY_GAPS_SECONDS.reduce((sum, gap) => sum + gap, 0) * 1000 * TIME_SCALE;
const KEY_ID = "storm-key";
const SECRET = "storm-webhook-secret-7c1e";

/** Redis ids of the connections the receipts app holds (it names them `sms-relay-receipts`). */
async function receiptsConnections(redis: Redis): Promise<Set<string>> {
  const list = (await redis.client("LIST")) as string;
  const ids = list
    .split("\n")
    .filter((line) => / name=sms-relay-receipts /.test(` ${line} `))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1] ?? "");
  return new Set(ids.filter(Boolean));
}

/**
 * KPN posts a delivery report per SMS and retries, 60, 120 and 240 s apart, what is not answered
 * 2xx. The receipts app answers 204 only once a report is in Redis, and stores each report once.
 * So a receipts process killed without warning mid-storm and back within the retry window loses
 * nothing: what it had not answered comes again, and what it had stored but not answered comes
 * again as a duplicate that changes nothing.
 */
describe.sequential("receipts killed with SIGKILL during a report storm", () => {
  let redis: TestRedis;
  let client: Redis;
  let sandbox: KpnSandbox;
  let producer: SmsProducer;
  let worker: AppProcess | undefined;
  let receipts: AppProcess | undefined;
  let prefix: string;
  let port: number;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = new Redis(redis.url);
    prefix = redis.uniquePrefix("receipts-storm");
    port = await freePort();
    sandbox = createSandbox({
      maxContentLength: 160,
      deliveryReports: {
        keyId: KEY_ID,
        secret: SECRET,
        failedShare: 0.1,
        expiredShare: 0.05,
        pendingShare: 0.3,
        outOfOrderShare: 0.1,
        duplicateShare: 0.2,
        timeScale: TIME_SCALE,
        seed: 11,
      },
    });
    const { url: sandboxUrl } = await sandbox.listen();
    producer = new SmsProducer({ connection: redis.url, prefix, maxContentLength: 160 });
    worker = spawnApp("worker", WORKER_MAIN, {
      REDIS_URL: redis.url,
      SMS_QUEUE_PREFIX: prefix,
      KPN_BASE_URL: sandboxUrl,
      KPN_CLIENT_ID: "sandbox",
      KPN_CLIENT_SECRET: "sandbox",
      KPN_MAX_CONTENT_LENGTH: "160",
      KPN_TIMEOUT_MS: "3000",
      SMS_BACKOFF_MS: "50",
      SMS_BACKOFF_MAX_MS: "500",
      WORKER_CONCURRENCY: "50",
      SMS_DLR_URL: `http://127.0.0.1:${port}/kpn/dlr`,
      HEALTH_PORT: "0",
      LOG_LEVEL: "warn",
    });
  });

  afterAll(async () => {
    await receipts?.stop("SIGKILL");
    await worker?.stop();
    await producer?.close();
    await sandbox?.close();
    client?.disconnect();
    await redis?.close();
  });

  function startReceipts(name: string): AppProcess {
    return spawnApp(name, RECEIPTS_MAIN, {
      REDIS_URL: redis.url,
      SMS_QUEUE_PREFIX: prefix,
      RECEIPTS_PORT: String(port),
      KPN_WEBHOOK_KEYS: `${KEY_ID}:${SECRET}`,
      LOG_LEVEL: "warn",
    });
  }

  it("loses no report and counts none twice once restarted within KPN's retry window", async () => {
    const before = await receiptsConnections(client);
    receipts = startReceipts("receipts (first life)");
    await waitUntilAnswers(receipts, `http://127.0.0.1:${port}/readyz`);
    const firstLife = new Set(
      [...(await receiptsConnections(client))].filter((id) => !before.has(id)),
    );
    expect(firstLife.size).toBeGreaterThan(0);

    const long = `${"Uw pakket komt morgen tussen 9 en 12 uur. ".repeat(6)}Tot dan!`;
    const accepted: SendSmsReceipt[] = [];
    for (let start = 0; start < TOTAL; start += 200) {
      const result = await producer.sendMany(
        Array.from({ length: Math.min(200, TOTAL - start) }, (_, index) => {
          const i = start + index;
          return {
            to: `+3165${String(i).padStart(7, "0")}`,
            content: i % 10 === 0 ? long : `uw code is ${100_000 + i}`,
            sender: "RelayTest",
          };
        }),
      );
      expect(result.rejected).toEqual([]);
      accepted.push(...result.accepted);
    }

    // Mid-storm: a quarter of the reports are in, most are still to come.
    await waitFor(() => sandbox.deliveryReportStats().delivered >= TOTAL / 4, {
      timeoutMs: 30_000,
      intervalMs: 5,
      description: `${TOTAL / 4} reports answered 2xx`,
    });
    const killedAt = Date.now();
    expect((await receipts.stop("SIGKILL")).signal).toBe("SIGKILL");
    // Once Redis has dropped the dead process's connections, it has run all that they sent.
    await waitFor(
      async () => [...(await receiptsConnections(client))].every((id) => !firstLife.has(id)),
      { intervalMs: 5, description: "Redis to drop the killed app's connections" },
    );
    const referenceKeys = () => scanKeys(client, `${prefix}:sms:dlr:ref:*`);
    const seenAtKill = (await readSeenMarks(client, prefix, await referenceKeys())).size;

    receipts = startReceipts("receipts (second life)");
    await waitUntilAnswers(receipts, `http://127.0.0.1:${port}/readyz`);
    const downMs = Date.now() - killedAt;
    expect(downMs, "the restart must land within the retry window").toBeLessThan(RETRY_WINDOW_MS);

    await waitFor(() => sentSms(sandbox) >= TOTAL, {
      timeoutMs: 30_000,
      description: `${TOTAL} sends at the sandbox`,
    });
    await sandbox.reportsSettled(RETRY_WINDOW_MS + 20_000);

    // Every report reached the app: none dropped, and some only on a retry after the kill.
    const reports = sandbox.sentReports();
    const stats = sandbox.deliveryReportStats();
    expect(stats).toMatchObject({ dropped: 0, overflowed: 0, cancelled: 0 });
    expect(stats.delivered).toBe(stats.planned);
    const answered = (result: number | string) =>
      typeof result === "number" && result >= 200 && result < 300;
    const failedAttempts = reports.flatMap((r) => r.attempts).filter((a) => !answered(a.result));
    const deliveredOnRetry = reports.filter((r) => r.attempts.length > 1);
    expect(failedAttempts.length).toBeGreaterThan(0);
    expect(deliveredOnRetry.length).toBeGreaterThan(0);
    expect(deliveredOnRetry.every((r) => r.state === "delivered")).toBe(true);

    // Every SMS has the state KPN reported, and every part of it is recorded, each once.
    const expected = expectedDeliveries(reports);
    const mismatches: string[] = [];
    for (const receipt of accepted) {
      const status = await producer.status(receipt.id);
      const want = expected.get(receipt.to);
      const recorded = await readRecordedDelivery(client, prefix, receipt.id);
      if (status.state !== "sent" || want === undefined) {
        mismatches.push(`${receipt.id}: ${status.state}, ${want ? "reported" : "no report"}`);
      } else if (status.delivery.state !== want.state || status.delivery.code !== want.code) {
        mismatches.push(
          `${receipt.id}: ${JSON.stringify(status.delivery)}, KPN said ${want.state} ${want.code}`,
        );
      } else if (JSON.stringify(recorded.parts) !== JSON.stringify(want.parts)) {
        mismatches.push(`${receipt.id}: parts ${JSON.stringify(recorded.parts)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(new Set([...expected.values()].map((e) => e.state))).toEqual(
      new Set(["delivered", "failed", "expired"]),
    );

    // One seen mark per distinct report (a duplicate or a retry adds none), nothing unmatched.
    const seen = await readSeenMarks(client, prefix, await referenceKeys());
    expect(seen).toEqual(expectedSeenMarks(reports));
    expect(seenAtKill).toBeGreaterThan(0);
    expect(seenAtKill).toBeLessThan(seen.size);
    expect(await client.llen(deliveryKeys(prefix).unmatched)).toBe(0);

    // The second life counted exactly the reports the first had not stored: a retry of a report
    // stored before the kill but never answered counted as a duplicate, not again.
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metricSum(metrics, "sms_dlr_reports_total")).toBe(seen.size - seenAtKill);
    expect(metricSum(metrics, "sms_dlr_unmatched_total")).toBe(0);
    expect(metricSum(metrics, "sms_dlr_refused_total")).toBe(0);
  }, 60_000);
});

/** SMS the sandbox received (a batched request carries many). */
function sentSms(sandbox: { received(): ReadonlyArray<{ messages: readonly unknown[] }> }): number {
  return sandbox.received().reduce((sum, request) => sum + request.messages.length, 0);
}
