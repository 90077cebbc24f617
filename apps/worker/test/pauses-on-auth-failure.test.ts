import { waitFor } from "@sms-relay/testing";
import { expect, it } from "vitest";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

it("turns unready and holds jobs back, without failing them, while credentials are refused", async () => {
  const stack = await stacks.start({
    label: "auth",
    env: { KPN_CLIENT_SECRET: "not-the-sandbox-secret", SMS_MAX_ATTEMPTS: "2" },
    queueStatsIntervalMs: 100,
  });
  expect((await fetch(`${stack.worker.healthUrl}/readyz`)).status).toBe(200);
  const { id } = await stack.producer.send({ to: "0612345678", content: "wacht op de sleutel" });

  const body = await waitFor(async () => {
    const response = await fetch(`${stack.worker.healthUrl}/readyz`);
    return response.status === 503 ? ((await response.json()) as { reason: string }) : undefined;
  });
  expect(body.reason).toBe("kpn_auth_failing");

  const job = await stack.sms.getJob(id);
  expect(await job?.getState()).toMatch(/waiting|active|prioritized/);
  expect(job?.attemptsMade).toBe(0);
  expect(await stack.deadLetters.count()).toBe(0);
  expect(stack.api.sandbox.received()).toHaveLength(0);
  expect(stack.logs.text()).not.toContain("not-the-sandbox-secret");
  const metrics = await waitFor(async () => {
    const text = await (await fetch(`${stack.worker.healthUrl}/metrics`)).text();
    return text.includes("sms_queue_paused 1") ? text : undefined;
  });
  expect(metrics).toMatch(/sms_retries_total\{kind="auth"\} [1-9]/);
  expect(metrics).toContain("sms_kpn_auth_failing 1");
  expect(metrics).toContain("sms_worker_ready 0");
});
