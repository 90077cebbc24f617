import { SmsProducer } from "@sms-relay/producer";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openQueues, type Queues } from "../dead-letter-fixtures.js";
import { listenDashboard } from "../helpers.js";
import { describeInBrowser, expectOnlyLoopback, openBrowser, type TestBrowser } from "./browser.js";

describeInBrowser("the dashboard in a browser: sign-in and the queues", () => {
  let redis: TestRedis;
  let producer: SmsProducer;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  let browser: TestBrowser;

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("browser-queues");
    producer = new SmsProducer({ connection: redis.url, prefix });
    queues = openQueues(redis, prefix);
    await producer.send({ to: "0612345678", content: "Hallo" });
    await queues.add("dead-one", "+31687654321");
    dashboard = await listenDashboard({ connection: redis.url, prefix });
    browser = await openBrowser("queues");
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await queues?.close();
    await producer?.close();
    await redis?.close();
  });

  it("refuses a browser without credentials with a readable page, and an API client with JSON", async () => {
    const { page } = browser;
    await browser.cancelSignInPrompts();
    const response = await page.goto(`${dashboard.url}/`);
    expect(response?.status()).toBe(401);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Sign-in needed");
    expect(await page.locator("body").textContent()).toContain("DASHBOARD_PASSWORD");
    await browser.screenshot("refused");

    // From a document of the dashboard's origin that allows scripts to fetch (our pages do not).
    await page.goto(`${dashboard.url}/healthz`);
    const api = await page.evaluate(async () => {
      const answer = await fetch("/api/queues", { headers: { accept: "application/json" } });
      return { status: answer.status, body: await answer.json() };
    });
    expect(api).toEqual({
      status: 401,
      body: { error: "authentication required", code: "DASHBOARD_UNAUTHORIZED" },
    });
  });

  it("lists both queues, warns of no workers on sms only, and links our pages from the top", async () => {
    const { page } = browser;
    await browser.signIn();
    await page.goto(`${dashboard.url}/`);
    const aside = page.locator("aside");
    await expect.poll(() => aside.getByText("sms-dead-letter", { exact: true }).count()).toBe(1);
    await expect.poll(() => aside.getByText("sms", { exact: true }).count()).toBe(1);
    await expect.poll(() => page.getByText("No workers").count()).toBe(1);
    await browser.screenshot("queues");

    const nav = page.locator("nav.sr-nav");
    expect(await nav.getByRole("link").allTextContents()).toEqual([
      "Queues",
      "Find an SMS",
      "Dead letters",
    ]);
    // The bar does not cover bull-board's own header.
    const bar = await nav.boundingBox();
    const header = await page.locator("#root header").first().boundingBox();
    expect(bar && header && header.y >= bar.y + bar.height - 1).toBe(true);

    await nav.getByRole("link", { name: "Dead letters" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Dead letters");
    expect(await page.locator("table").textContent()).toContain("+316****4321");
    await browser.screenshot("dead-letters");

    await page.goto(`${dashboard.url}/queue/sms-dead-letter`);
    await expect.poll(() => page.locator("main").textContent()).toContain("dead-one");
    expect(await page.getByText("No workers").count()).toBe(0);
    await browser.screenshot("dead-letter-queue");
  });

  it("loads nothing from any host but 127.0.0.1", () => {
    expectOnlyLoopback(browser.requests);
    expect(browser.requests.some((url) => url.includes("/assets/fonts/"))).toBe(true);
  });
});
