import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openQueues, postForm, postJson, type Queues } from "./dead-letter-fixtures.js";
import { authorized, listenDashboard } from "./helpers.js";

describe("dead letters on a read-only dashboard", () => {
  let redis: TestRedis;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("dlro");
    queues = openQueues(redis, prefix);
    await queues.add("dl-1", "+31611112222");
    await queues.add("dl-2", "+31633334444");
    dashboard = await listenDashboard({ connection: redis.url, prefix, readOnly: true });
  });
  afterAll(async () => {
    await dashboard?.close();
    await queues?.close();
    await redis?.close();
  });

  async function unchanged(): Promise<void> {
    expect(await queues.deadLetters.count()).toBe(2);
    expect(await queues.sms.count()).toBe(0);
  }

  it("still lists the records", async () => {
    const response = await fetch(`${dashboard.url}/dead-letters/api`, { headers: authorized });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { total: number }).total).toBe(2);
  });

  it.each(["redrive", "purge"])("answers 403 to the JSON %s", async (action) => {
    const response = await postJson(`${dashboard.url}/dead-letters/api/${action}`, { all: true });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "DASHBOARD_READ_ONLY" });
    await unchanged();
  });

  it.each(["redrive", "purge"])("answers 403 to a same-origin form %s", async (action) => {
    const response = await postForm(
      `${dashboard.url}/dead-letters/${action}`,
      [["all", "1"]],
      dashboard.url,
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "DASHBOARD_READ_ONLY" });
    await unchanged();
  });

  it.each([
    "/DEAD-LETTERS/API/REDRIVE",
    "/dead-letters/api/redrive/",
    "//dead-letters/api/redrive",
    "/dead-letters/./api/redrive",
  ])("cannot be bypassed through the path spelling %s", async (path) => {
    const response = await postJson(`${dashboard.url}${path}`, { all: true });
    expect(response.status).toBe(403);
    await response.body?.cancel();
    await unchanged();
  });

  it("hides the checkboxes and buttons on the page", async () => {
    const response = await fetch(`${dashboard.url}/dead-letters`, { headers: authorized });
    const html = await response.text();
    expect(html).toContain("+316****2222");
    expect(html).not.toContain('method="post"');
    expect(html).not.toContain('type="checkbox"');
    expect(html).not.toContain("Redrive all");
    expect(html).toContain("Read-only");
  });
});
