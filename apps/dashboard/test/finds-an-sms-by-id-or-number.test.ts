import { SmsProducer } from "@sms-relay/producer";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SmsSearchResult } from "../src/index.js";
import { openQueues, type Queues } from "./dead-letter-fixtures.js";
import { authorized, listenDashboard } from "./helpers.js";

const SPELLINGS = [
  "0612345678",
  "+31612345678",
  "0031612345678",
  "31612345678",
  "+31 6 1234 5678",
  "06-12345678",
];

describe("finding one SMS", () => {
  let redis: TestRedis;
  let producer: SmsProducer;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  let first: string;
  let second: string;
  let keyed: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("find");
    producer = new SmsProducer({ connection: redis.url, prefix, defaultSender: "MyShop" });
    queues = openQueues(redis, prefix);
    first = (await producer.send({ to: "06 12345678", content: "Eerste" })).id;
    second = (await producer.send({ to: "0612345678", content: "Tweede", delayMs: 60_000 })).id;
    keyed = (
      await producer.send({ to: "0687654321", content: "Met sleutel", idempotencyKey: "order-42" })
    ).id;
    // The first one died: its dead letter is linked both ways.
    await queues.add(first, "+31612345678", "recipient +31612345678 is blocked");
    dashboard = await listenDashboard({ connection: redis.url, prefix, maxContentLength: 160 });
  });
  afterAll(async () => {
    await dashboard?.close();
    await queues?.close();
    await producer?.close();
    await redis?.close();
  });

  async function search(q: string): Promise<{ body: SmsSearchResult; text: string }> {
    const response = await fetch(`${dashboard.url}/sms/api?q=${encodeURIComponent(q)}`, {
      headers: authorized,
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    return { body: JSON.parse(text) as SmsSearchResult, text };
  }

  it.each(SPELLINGS)("finds the SMS of a number written as %s, newest first", async (q) => {
    const { body, text } = await search(q);
    expect(body.number).toBe("+316****5678");
    expect(body.results.map((sms) => sms.id)).toEqual([second, first]);
    expect(body.matches).toEqual(["number", "number"]);
    expect(text).not.toContain("12345678");
  });

  it("shows state, delivery, parts, document ids, attempts and the dead letter", async () => {
    const { body } = await search("0612345678");
    const [delayed, dead] = body.results;
    expect(delayed).toMatchObject({
      id: second,
      to: "+316****5678",
      sender: "MyShop",
      status: {
        state: "delayed",
        attemptsMade: 0,
        documentIds: [],
        delivery: { state: "unknown" },
      },
      parts: { count: 1, segments: 1, encoding: "GSM-7", planned: true },
    });
    expect(delayed?.dueAt).toBeDefined();
    expect(dead).toMatchObject({
      id: first,
      deadLetter: { reason: "rejected", error: { message: "recipient +316****5678 is blocked" } },
    });
  });

  it("finds an SMS by its job id and by its idempotency key", async () => {
    const byId = await search(keyed);
    expect(byId.body.results.map((sms) => sms.id)).toEqual([keyed]);
    expect(byId.body.matches).toEqual(["id"]);
    const byKey = await search("  order-42 ");
    expect(byKey.body.results.map((sms) => sms.id)).toEqual([keyed]);
    expect(byKey.body.matches).toEqual(["idempotencyKey"]);
  });

  it("lists an SMS found two ways once, under the first way, ahead of those found by number", async () => {
    // Sent with its own number as idempotency key, then another to that number, newer.
    const byKeyAndNumber = (
      await producer.send({ to: "0611112222", content: "Sleutel", idempotencyKey: "0611112222" })
    ).id;
    const newer = (await producer.send({ to: "0611112222", content: "Later" })).id;
    const { body } = await search("0611112222");
    expect(body.results.map((sms) => sms.id)).toEqual([byKeyAndNumber, newer]);
    expect(body.matches).toEqual(["idempotencyKey", "number"]);
  });

  it("says why a landline number is not searched as a number", async () => {
    const { body } = await search("020 123 4567");
    expect(body.results).toEqual([]);
    expect(body.numberProblem).toMatch(/not|mobile/i);
  });

  it("links an SMS to its dead letter and the dead letter back to its SMS", async () => {
    const smsPage = await fetch(`${dashboard.url}/sms/${first}`, { headers: authorized });
    expect(smsPage.status).toBe(200);
    const sms = await smsPage.text();
    expect(sms).toContain(`href="/dead-letters/${first}"`);
    expect(sms).toContain("rejected");
    expect(sms).toContain("+316****5678");
    expect(sms).not.toContain("12345678");

    const letterPage = await fetch(`${dashboard.url}/dead-letters/${first}`, {
      headers: authorized,
    });
    expect(letterPage.status).toBe(200);
    const letter = await letterPage.text();
    expect(letter).toContain(`href="/sms/${first}"`);
    expect(letter).toContain("recipient +316****5678 is blocked");
    expect(letter).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    const list = await fetch(`${dashboard.url}/dead-letters`, { headers: authorized });
    expect(await list.text()).toContain(`href="/sms/${first}"`);
  });

  it("renders the search page without writing the number back", async () => {
    const response = await fetch(`${dashboard.url}/sms?q=${encodeURIComponent("06-12345678")}`, {
      headers: authorized,
    });
    const html = await response.text();
    expect(html).toContain("2 SMS found for number +316****5678");
    expect(html).toContain(`href="/sms/${second}"`);
    expect(html).not.toContain("12345678");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("answers 404 for an id that is neither an SMS nor a dead letter", async () => {
    const page = await fetch(`${dashboard.url}/sms/no-such-sms`, { headers: authorized });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("No SMS and no dead letter has the id");
    const api = await fetch(`${dashboard.url}/sms/api/no-such-sms`, { headers: authorized });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: "DASHBOARD_NOT_FOUND" });
  });
});
