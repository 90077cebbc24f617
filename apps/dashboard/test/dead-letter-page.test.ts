import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openQueues, type Queues } from "./dead-letter-fixtures.js";
import { authorized, listenDashboard } from "./helpers.js";

const hostile = '<script>alert("x")</script> for +31655556666 & <b>co</b>';

describe("the dead-letter HTML page", () => {
  let redis: TestRedis;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  let html: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("page");
    queues = openQueues(redis, prefix);
    await queues.add("dl-1", "+31655556666", hostile);
    await queues.add('dl-"2"', "0677778888");
    dashboard = await listenDashboard({ connection: redis.url, prefix });
    const response = await fetch(`${dashboard.url}/dead-letters`, { headers: authorized });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    html = await response.text();
  });
  afterAll(async () => {
    await dashboard?.close();
    await queues?.close();
    await redis?.close();
  });

  it("escapes what records hold, such as an error message with a <script> tag", () => {
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<b>co</b>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain('value="dl-&quot;2&quot;"');
  });

  it("shows numbers masked, in the recipient column and inside error texts", () => {
    expect(html).toContain("+316****6666");
    expect(html).toContain("+316****8888");
    expect(html).not.toContain("55556666");
    expect(html).not.toContain("77778888");
  });

  it("shows reason, error status and code, attempts and failure time", () => {
    expect(html).toContain("rejected");
    expect(html).toContain("KPN_REJECTED");
    expect(html).toContain("<code>400</code>");
    expect(html).toContain("2025-01-01T10:00:05.000Z");
    expect(html).toContain("2 dead letters");
  });

  it("offers a checkbox per entry and the redrive and purge buttons as plain forms", () => {
    expect(html.match(/type="checkbox" name="ids"/g)).toHaveLength(2);
    expect(html).toContain('<form method="post" action="/dead-letters/redrive">');
    expect(html).toContain("Redrive selected");
    expect(html).toContain('name="all" value="1">Redrive all');
    expect(html).toContain('formaction="/dead-letters/purge">Purge selected');
  });

  it("is linked from the bar on top of bull-board's page, and from its menu", async () => {
    const board = await fetch(`${dashboard.url}/`, { headers: authorized });
    const page = await board.text();
    expect(page).toMatch(/<nav class="sr-nav"[^>]*>.*<a href="\/dead-letters">Dead letters<\/a>/s);
    expect(page).toContain('<a href="/sms">Find an SMS</a>');
    const config = /<script id="__UI_CONFIG__" type="application\/json">(.*?)<\/script>/s.exec(
      page,
    );
    const uiConfig = JSON.parse(config?.[1] ?? "{}") as { miscLinks?: { url: string }[] };
    expect(uiConfig.miscLinks?.map((link) => link.url)).toEqual(["/sms", "/dead-letters"]);
  });
});
