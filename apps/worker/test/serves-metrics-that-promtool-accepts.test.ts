import { createSandbox, type KpnSandbox } from "@sms-relay/kpn-sandbox";
import { SMS_JOB_NAME, SMS_QUEUE, SmsProducer } from "@sms-relay/producer";
import {
  checkMetrics,
  freePort,
  requirePromtool,
  selectMetricFamilies,
  startTestRedis,
  type TestRedis,
  waitFor,
} from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import { baseWorkerEnv, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from "./support/rig.js";
import { killAllWorkers, spawnWorker, type WorkerProcess } from "./support/worker-process.js";

const promtool = await requirePromtool();

/** The metrics of our own code; the rest are prom-client's default process metrics. */
const ownMetric = (name: string) => name.startsWith("sms_") || name.startsWith("kpn_");

let redis: TestRedis;
let sandbox: KpnSandbox;
let producer: SmsProducer;
let sms: Queue;
let worker: WorkerProcess;

beforeAll(async () => {
  if (!promtool) return;
  redis = await startTestRedis();
  sandbox = createSandbox({
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    maxContentLength: 160,
  });
  const { url } = await sandbox.listen(0);
  const prefix = redis.uniquePrefix("promtool");
  producer = new SmsProducer({ connection: redis.url, prefix });
  sms = new Queue(SMS_QUEUE, { connection: { url: redis.url }, prefix });
  worker = spawnWorker("promtool", baseWorkerEnv(redis.url, prefix, url), await freePort());
  await worker.ready();
});

afterAll(async () => {
  await killAllWorkers();
  await sms?.close();
  await producer?.close();
  await sandbox?.close();
  await redis?.close();
});

it.skipIf(!promtool)("serves /metrics that `promtool check metrics` accepts", async () => {
  // Something sent and something dead-lettered, so that the labelled series exist too.
  await producer.send({ to: "0612345678", content: "Hallo!", sender: "RelayTest" });
  await sms.add(SMS_JOB_NAME, { v: 1, to: "nobody" }, { jobId: "not-an-sms" });
  await waitFor(
    async () =>
      (await worker.metric("sms_sent_total")) === 1 &&
      (await worker.metric("sms_dead_lettered_total")) === 1 &&
      (await worker.metric("sms_dead_letter_jobs")) === 1,
    { timeoutMs: 20_000, intervalMs: 100, description: "one SMS sent and one dead-lettered" },
  );
  const response = await fetch(`http://127.0.0.1:${worker.healthPort}/metrics`);
  const text = await response.text();

  // Our own metrics lint clean.
  const own = await checkMetrics(selectMetricFamilies(text, ownMetric));
  expect(own.problems).toEqual([]);
  expect(own.code).toBe(0);
  expect(selectMetricFamilies(text, ownMetric)).toContain("sms_enqueue_to_sent_seconds_bucket");

  // The whole page parses; the only findings are about prom-client's own process metrics.
  const all = await checkMetrics(text);
  expect(all.stderr).not.toContain("error while linting");
  for (const problem of all.problems) expect(ownMetric(problem.metric), problem.metric).toBe(false);
});
