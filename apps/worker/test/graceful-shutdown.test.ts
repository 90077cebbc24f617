import { waitFor } from "@sms-relay/testing";
import { expect, it } from "vitest";
import { useWorkerStack } from "./helpers/stack.js";

const stacks = useWorkerStack();

it("finishes the jobs in flight when closed, and takes no new ones", async () => {
  const stack = await stacks.start({
    label: "shutdown",
    faults: { latencyMs: 1500 },
    env: { WORKER_CONCURRENCY: "5" },
  });
  const inputs = Array.from({ length: 8 }, (_, i) => ({
    to: `+3163${String(i).padStart(7, "0")}`,
    content: `afsluiten ${i}`,
  }));
  const { accepted } = await stack.producer.sendMany(inputs);
  // The sandbox takes 1.5 s to answer: five active jobs are five sends in flight.
  await waitFor(async () => (await stack.sms.getJobCounts("active"))?.active === 5, {
    description: "5 jobs in flight",
  });

  await stack.worker.close();

  const received = stack.api.sandbox.received();
  expect(received).toHaveLength(5);
  const states = await Promise.all(
    accepted.map(async (receipt) => await (await stack.sms.getJob(receipt.id))?.getState()),
  );
  expect(states.filter((state) => state === "completed")).toHaveLength(5);
  expect(states.filter((state) => state === "waiting")).toHaveLength(3);
  expect(stack.api.sandbox.stats().sendRequests).toBe(5);
  await expect(fetch(`${stack.worker.healthUrl}/healthz`)).rejects.toThrow();
});

it("stops waiting after SHUTDOWN_GRACE_MS and leaves unfinished jobs to stalled-job recovery", async () => {
  const stack = await stacks.start({
    label: "shutdown-grace",
    faults: { latencyMs: 20_000 },
    env: { SHUTDOWN_GRACE_MS: "300", KPN_TIMEOUT_MS: "15000" },
  });
  const { id } = await stack.producer.send({ to: "0612345678", content: "te traag" });
  await waitFor(async () => (await stack.sms.getJobCounts("active"))?.active === 1, {
    description: "one job in flight",
  });

  const started = Date.now();
  await stack.worker.close();
  // Far below the sandbox's 20 s: close() did not wait for the send.
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(await (await stack.sms.getJob(id))?.getState()).toBe("active");
});
