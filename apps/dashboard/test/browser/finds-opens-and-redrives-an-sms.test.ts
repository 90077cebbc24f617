import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openQueues, type Queues } from "../dead-letter-fixtures.js";
import { listenDashboard } from "../helpers.js";
import { describeInBrowser, expectOnlyLoopback, openBrowser, type TestBrowser } from "./browser.js";
import { type SendingStack, startSendingStack } from "./sending-stack.js";

const TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/;

describeInBrowser("the dashboard in a browser: finding, opening and redriving an SMS", () => {
  let redis: TestRedis;
  let stack: SendingStack;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  let browser: TestBrowser;
  let sentId: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    stack = await startSendingStack(redis, "browser-send");
    queues = openQueues(redis, stack.prefix);
    dashboard = await listenDashboard({
      connection: redis.url,
      prefix: stack.prefix,
      maxContentLength: 160,
    });
    browser = await openBrowser("sms");
    await browser.signIn();

    sentId = (await stack.producer.send({ to: "06 12345678", content: "Uw pakket komt vandaag" }))
      .id;
    await waitFor(
      async () => {
        const status = await stack.producer.status(sentId);
        return status.state === "sent" && status.delivery.state === "delivered"
          ? status
          : undefined;
      },
      { timeoutMs: 20_000, description: "the SMS sent and delivered" },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await queues?.close();
    await stack?.close();
    await redis?.close();
  });

  /** Types into the search box of the navigation bar, as an operator does. */
  async function searchFromTheBar(text: string): Promise<void> {
    const box = browser.page.locator("nav.sr-nav input[name=q]");
    await box.fill(text);
    await box.press("Enter");
    await browser.page.waitForURL(/\/sms\?q=/);
  }

  it("finds a sent SMS by its id and opens it: number masked, state and delivery shown", async () => {
    const { page } = browser;
    await page.goto(`${dashboard.url}/`);
    await searchFromTheBar(sentId);
    expect(await page.getByRole("status").textContent()).toContain("1 SMS found");
    await page.getByRole("link", { name: sentId }).click();
    await page.waitForURL(`${dashboard.url}/sms/${sentId}`);
    const facts = page.locator("dl.facts");
    const text = (await facts.textContent()) ?? "";
    expect(text).toContain("+316****5678");
    expect(text).toMatch(/state\s*sent/);
    expect(text).toMatch(/delivery\s*delivered/);
    expect(text).toContain("1 message, 1 segment, GSM-7");
    expect(text).toMatch(TIME);
    const { documentIds } = await stack.producer.status(sentId);
    expect(documentIds).toHaveLength(1);
    expect(text).toContain(documentIds[0]);
    expect(await page.content()).not.toContain("12345678");
    await browser.screenshot("sent-sms");
  });

  it("finds the same SMS by its full number in another spelling", async () => {
    const { page } = browser;
    await searchFromTheBar("+31 6 1234 5678");
    const status = await page.getByRole("status").textContent();
    expect(status).toContain("1 SMS found for number +316****5678");
    const row = page.locator("tbody tr").first();
    expect(await row.textContent()).toContain(sentId);
    expect(await row.textContent()).toContain("sent");
    expect(await page.content()).not.toContain("12345678");
    await browser.screenshot("found-by-number");
  });

  it("opens a dead letter from its SMS, reads its reason, redrives it and sees it sent", async () => {
    const { page } = browser;
    stack.sandbox.setFaults({ rate503: 1 });
    const { id } = await stack.producer.send({ to: "0687654321", content: "Uw code is 4711" });
    await waitFor(() => stack.producer.deadLetters.get(id), {
      timeoutMs: 20_000,
      description: "the SMS dead-lettered",
    });
    stack.sandbox.setFaults({});

    await searchFromTheBar("06-87654321");
    await page.getByRole("link", { name: id }).click();
    expect(await page.locator("dl.facts").textContent()).toMatch(/state\s*dead \(exhausted\)/);
    await page.getByRole("link", { name: "Open its dead letter" }).click();
    await page.waitForURL(`${dashboard.url}/dead-letters/${id}`);
    const record = (await page.locator("dl.facts").textContent()) ?? "";
    expect(record).toMatch(/reason\s*exhausted/);
    expect(record).toContain("status 503");
    expect(record).toContain("+316****4321");
    expect(record).toMatch(TIME);
    await browser.screenshot("dead-letter");

    await page.getByRole("button", { name: "Redrive this SMS" }).click();
    await page.waitForURL(new RegExp(`/sms/${id}\\?action=redrive`));
    expect(await page.getByRole("status").textContent()).toContain("Redrove 1 SMS");
    await expect
      .poll(
        async () => {
          await page.reload();
          return await page.locator("dl.facts").textContent();
        },
        { timeout: 20_000, interval: 300 },
      )
      .toMatch(/state\s*sent/);
    expect(await stack.producer.deadLetters.get(id)).toBeUndefined();
    await browser.screenshot("redriven-and-sent");
  });

  it("asks before it purges a dead letter, and purges only once confirmed", async () => {
    const { page } = browser;
    await queues.add("purge-me", "+31611112222");
    await page.goto(`${dashboard.url}/dead-letters/purge-me`);
    await page.getByRole("button", { name: "Purge this dead letter…" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Purge dead letters?");
    expect(await stack.producer.deadLetters.get("purge-me")).toBeDefined();
    await browser.screenshot("purge-question");

    await page.getByRole("button", { name: "Purge it for good" }).click();
    await page.waitForURL(/\/dead-letters\?action=purge/);
    expect(await page.getByRole("status").textContent()).toContain("Purged 1 dead letter.");
    expect(await stack.producer.deadLetters.get("purge-me")).toBeUndefined();
  });

  it("loads nothing from any host but 127.0.0.1", () => {
    expectOnlyLoopback(browser.requests);
  });
});
