import { signalExitCode } from "@sms-relay/runtime";
import { waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSms, type Rig, startRig } from "../support/rig.js";

const GRACE_MS = 2_000;
// The shutdown handler's margin for closing connections, plus room for a loaded machine.
const EXIT_SLACK_MS = 2_000 + 2_000;

/**
 * A worker told to stop while Redis is gone must still stop within its grace time: nothing it
 * waits for (closing the BullMQ worker, queues, the connection) may hang on a Redis that never
 * answers. A second signal cuts even that short.
 */
describe.sequential("shutdown while Redis is gone", () => {
  let rig: Rig | undefined;

  beforeAll(async () => {
    rig = await startRig({
      label: "shutdown-redis-gone",
      appendOnly: true,
      faults: { latencyMs: 200 },
      workerEnv: { WORKER_CONCURRENCY: "50", SHUTDOWN_GRACE_MS: String(GRACE_MS) },
    });
  }, 600_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it("runs 50 jobs at once without a listener warning, then exits within the grace time on SIGTERM", async () => {
    if (!rig) throw new Error("the rig did not start");
    const worker = await rig.startWorker("busy");
    await rig.enqueue(makeSms("busy", 300));
    await waitFor(async () => (await worker.metric("sms_sent_total")) >= 100, {
      timeoutMs: 30_000,
      description: "100 SMS sent",
    });
    expect(worker.otherOutput.join("")).not.toContain("MaxListenersExceededWarning");

    await rig.redis.stop({ hard: true });
    await waitFor(async () => (await worker.readyStatus()) === 503, {
      timeoutMs: 10_000,
      description: "not ready without Redis",
    });
    const signalledAt = worker.signal("SIGTERM");
    const exit = await worker.exited;
    expect(exit.at - signalledAt, worker.describe()).toBeLessThanOrEqual(GRACE_MS + EXIT_SLACK_MS);
    expect(exit.signal).toBeNull();
    expect(
      worker.logs.some(
        (line) =>
          line.msg ===
            "jobs still in flight after the grace time: leaving them to stalled-job recovery" &&
          line.jobsInFlight === 0,
      ),
    ).toBe(false);
    await rig.redis.start();
  }, 90_000);

  it("exits at once on a second signal", async () => {
    if (!rig) throw new Error("the rig did not start");
    const worker = await rig.startWorker("second-signal", { SHUTDOWN_GRACE_MS: "20000" });
    await rig.redis.stop({ hard: true });
    worker.signal("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const secondAt = worker.signal("SIGTERM");
    const exit = await worker.exited;
    expect(exit.at - secondAt, worker.describe()).toBeLessThan(2_000);
    expect(exit.code).toBe(signalExitCode("SIGTERM"));
    await rig.redis.start();
  }, 90_000);
});
