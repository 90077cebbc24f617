import { combineDeliveryStates, type ReportedDeliveryState } from "@sms-relay/producer";
import { createReceiptsServer } from "@sms-relay/receipts";
import { freePort, waitFor } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { pino } from "pino";
import { expect, it } from "vitest";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();
const TOTAL = 1000;

it("gives every SMS the delivery state KPN reported, through duplicates and late reports", async () => {
  const port = await freePort();
  const stack = await stacks.start({
    label: "dlr",
    deliveryReports: {
      failedShare: 0.1,
      expiredShare: 0.05,
      pendingShare: 0.3,
      outOfOrderShare: 0.1,
      duplicateShare: 0.2,
      timeScale: 0.001,
      seed: 5,
    },
    env: { SMS_DLR_URL: `http://127.0.0.1:${port}/kpn/dlr`, WORKER_CONCURRENCY: "50" },
  });
  const redis = new Redis(stacks.redis.url);
  const receipts = createReceiptsServer({
    redis,
    prefix: stack.config.queuePrefix,
    keys: [{ id: "sandbox-key", secret: "sandbox-webhook-secret" }],
    logger: pino({ level: "silent" }),
  });
  await receipts.listen(port, "127.0.0.1");
  try {
    const long = `${"Uw pakket komt morgen tussen 9 en 12 uur. ".repeat(6)}Tot dan!`;
    const { accepted } = await stack.producer.sendMany(
      Array.from({ length: TOTAL }, (_, i) => ({
        to: `+3162${String(i).padStart(7, "0")}`,
        content: i % 10 === 0 ? long : `uw code is ${1000 + i}`,
      })),
    );
    await waitFor(async () => (await stack.sms.getJobCounts("completed")).completed === TOTAL, {
      timeoutMs: 60_000,
      description: "every SMS sent",
    });
    await stack.api.sandbox.reportsSettled(30_000);

    const outcomes = stack.api.sandbox.reportOutcomes();
    const expected = new Map<string, ReportedDeliveryState[]>();
    for (const outcome of outcomes) {
      const list = expected.get(outcome.recipient) ?? [];
      list.push(outcome.outcome);
      expected.set(outcome.recipient, list);
    }
    const mismatches: string[] = [];
    for (const receipt of accepted) {
      const status = await stack.producer.status(receipt.id);
      const want = combineDeliveryStates(expected.get(receipt.to) ?? []);
      if (status.delivery.state !== want) {
        mismatches.push(`${receipt.id}: ${status.delivery.state}, KPN said ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
    const states = new Set(outcomes.map((o) => o.outcome));
    expect(states).toEqual(new Set(["delivered", "failed", "expired"]));
    const stats = stack.api.sandbox.deliveryReportStats();
    expect(stats).toMatchObject({ dropped: 0 });
  } finally {
    await receipts.close();
    redis.disconnect();
  }
}, 120_000);
