import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openQueues, type Queues } from "../dead-letter-fixtures.js";
import { listenDashboard } from "../helpers.js";
import { describeInBrowser, expectOnlyLoopback, openBrowser, type TestBrowser } from "./browser.js";

describeInBrowser("the read-only dashboard in a browser", () => {
  let redis: TestRedis;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  let browser: TestBrowser;

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("browser-read-only");
    queues = openQueues(redis, prefix);
    // A failed SMS with its dead letter, as the worker leaves one.
    await queues.sms.add("sms", { to: "+31612345678" }, { jobId: "failed-one" });
    const worker = new Worker(
      "sms",
      async () => {
        throw new UnrecoverableError("rejected by the API");
      },
      { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix },
    );
    await waitFor(
      async () => ((await queues.sms.getJobState("failed-one")) === "failed" ? true : undefined),
      { timeoutMs: 20_000, description: "the SMS failed" },
    );
    await worker.close();
    await queues.add("failed-one", "+31612345678");
    dashboard = await listenDashboard({ connection: redis.url, prefix, readOnly: true });
    browser = await openBrowser("read-only");
    await browser.signIn();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await queues?.close();
    await redis?.close();
  });

  it("shows no retry button and refuses a retry sent anyway", async () => {
    const { page } = browser;
    await page.goto(`${dashboard.url}/queue/sms/failed-one`);
    await expect.poll(() => page.locator("main").textContent()).toContain("failed-one");
    expect(await page.getByRole("button", { name: /retry/i }).count()).toBe(0);
    await browser.screenshot("failed-job");

    const answer = await page.evaluate(async () => {
      const response = await fetch("/api/queues/sms/failed-one/retry", { method: "PUT" });
      return { status: response.status, body: await response.json() };
    });
    expect(answer).toMatchObject({ status: 403, body: { code: "DASHBOARD_READ_ONLY" } });
    expect(await queues.sms.getJobState("failed-one")).toBe("failed");
  });

  it("offers no redrive or purge on the dead letter's page", async () => {
    const { page } = browser;
    await page.goto(`${dashboard.url}/dead-letters/failed-one`);
    expect(await page.locator("main").textContent()).toContain("Read-only dashboard");
    expect(await page.locator("main").getByRole("button").count()).toBe(0);
    await browser.screenshot("dead-letter");
  });

  it("loads nothing from any host but 127.0.0.1", () => {
    expectOnlyLoopback(browser.requests);
  });
});
