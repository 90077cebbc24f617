import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openQueues, postForm, postJson, type Queues } from "./dead-letter-fixtures.js";
import { authorized, listenDashboard } from "./helpers.js";

interface ApiList {
  total: number;
  entries: { id: string; addedAt: string; data: Record<string, unknown> }[];
}

describe("the dead-letter page and API", () => {
  let redis: TestRedis;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  // Each test gets its own prefix, so "all" only ever means this test's records.
  beforeEach(async (context) => {
    const prefix = redis.uniquePrefix(context.task.name.slice(0, 12));
    queues = openQueues(redis, prefix);
    await queues.add("dl-old", "+31611112222");
    await queues.add("dl-new", "+31633334444", "recipient +31633334444 is blocked");
    dashboard = await listenDashboard({ connection: redis.url, prefix });
  });
  afterEach(async () => {
    await dashboard?.close();
    await queues?.close();
  });

  async function remainingIds(): Promise<string[]> {
    const jobs = await queues.deadLetters.getJobs(["waiting", "delayed", "completed", "failed"]);
    return jobs.map((job) => String(job.id)).sort();
  }

  it("lists the records newest first with every phone number masked", async () => {
    const response = await fetch(`${dashboard.url}/dead-letters/api`, { headers: authorized });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ApiList;
    expect(body.total).toBe(2);
    expect(body.entries.map((entry) => entry.id)).toEqual(["dl-new", "dl-old"]);
    expect(body.entries[0]?.data).toMatchObject({
      reason: "rejected",
      message: { to: "+316****4444", sender: "MyShop" },
      error: { message: "recipient +316****4444 is blocked", status: 400 },
    });
    const text = JSON.stringify(body);
    expect(text).not.toContain("33334444");
    expect(text).not.toContain("11112222");
  });

  it("redrives one SMS by id back onto `sms` under the same id, replacing its failed job", async () => {
    // The worker leaves the failed `sms` job behind; redrive must replace it, not be ignored.
    await queues.sms.add("sms", { to: "+31611112222" }, { jobId: "dl-old" });
    const worker = new Worker(
      "sms",
      async () => {
        throw new UnrecoverableError("rejected by the API");
      },
      {
        connection: { url: redis.url, maxRetriesPerRequest: null },
        prefix: queues.sms.opts.prefix,
      },
    );
    await worker.waitUntilReady();
    await expect.poll(() => queues.sms.getJobState("dl-old"), { timeout: 20_000 }).toBe("failed");
    await worker.close();

    const response = await postJson(`${dashboard.url}/dead-letters/api/redrive`, {
      ids: ["dl-old", "no-such-id"],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      redriven: ["dl-old"],
      inProgress: [],
      missing: ["no-such-id"],
    });
    expect(await queues.sms.getJobState("dl-old")).toBe("waiting");
    const job = await queues.sms.getJob("dl-old");
    expect(job?.data).toMatchObject({ to: "+31611112222", content: "Uw code is 1234" });
    expect(job?.attemptsMade).toBe(0);
    expect(await remainingIds()).toEqual(["dl-new"]);
  });

  it("redrives all records", async () => {
    const response = await postJson(`${dashboard.url}/dead-letters/api/redrive`, { all: true });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { redriven: string[]; missing: string[] };
    expect(body.redriven.sort()).toEqual(["dl-new", "dl-old"]);
    expect(body.missing).toEqual([]);
    expect(await queues.sms.getJobState("dl-new")).toBe("waiting");
    expect(await queues.sms.getJobState("dl-old")).toBe("waiting");
    expect(await remainingIds()).toEqual([]);
  });

  it("purges records without queueing them", async () => {
    const response = await postJson(`${dashboard.url}/dead-letters/api/purge`, { ids: ["dl-new"] });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ purged: ["dl-new"], missing: [] });
    expect(await remainingIds()).toEqual(["dl-old"]);
    expect(await queues.sms.getJobState("dl-new")).toBe("unknown");
  });

  it.each([
    ["not JSON", "{ids:", /^body: not valid JSON$/],
    ["an array", [], /^body: /],
    ["neither field", {}, /^ids: required/],
    ["an empty ids", { ids: [] }, /^ids: must be a non-empty array/],
    ["ids as a string", { ids: "dl-old" }, /^ids: /],
    ["a bad id", { ids: ["dl-old", 7] }, /^ids\[1\]: must be a non-empty string$/],
    ["all: false", { all: false }, /^all: must be true$/],
    ["both fields", { ids: ["dl-old"], all: true }, /^ids: give either/],
    ["an unknown field", { id: ["dl-old"] }, /^id: unknown field/],
  ])(
    "answers 400 naming the field to a body with %s, and changes nothing",
    async (_l, body, reason) => {
      for (const action of ["redrive", "purge"]) {
        const response = await postJson(`${dashboard.url}/dead-letters/api/${action}`, body);
        expect(response.status).toBe(400);
        const answer = (await response.json()) as { error: string; code: string };
        expect(answer.code).toBe("DASHBOARD_BAD_REQUEST");
        expect(answer.error).toMatch(reason);
        expect(answer.error).not.toContain("\n");
      }
      expect(await remainingIds()).toEqual(["dl-new", "dl-old"]);
    },
  );

  it("answers 400 to a body that is not sent as JSON", async () => {
    const response = await fetch(`${dashboard.url}/dead-letters/api/redrive`, {
      method: "POST",
      headers: { ...authorized, "content-type": "text/plain" },
      body: JSON.stringify({ all: true }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^body: /);
    expect(await remainingIds()).toEqual(["dl-new", "dl-old"]);
  });

  it("redrives the ticked entries from the page's form and reports the result on the page", async () => {
    const response = await postForm(
      `${dashboard.url}/dead-letters/redrive`,
      [["ids", "dl-new"]],
      dashboard.url,
    );
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    expect(location).toMatch(/^\/dead-letters\?/);
    expect(await queues.sms.getJobState("dl-new")).toBe("waiting");
    expect(await remainingIds()).toEqual(["dl-old"]);

    const page = await fetch(`${dashboard.url}${location}`, { headers: authorized });
    expect(await page.text()).toContain("Redrove 1 SMS back onto the sms queue.");
  });

  it("redrives all and purges from the page's forms, asking before it purges", async () => {
    const ask = await postForm(
      `${dashboard.url}/dead-letters/purge`,
      [["ids", "dl-old"]],
      dashboard.url,
    );
    expect(ask.status).toBe(200);
    const question = await ask.text();
    expect(question).toContain("Purge dead letters?");
    expect(question).toContain('<input type="hidden" name="confirm" value="1">');
    expect(await remainingIds()).toEqual(["dl-new", "dl-old"]);

    const purge = await postForm(
      `${dashboard.url}/dead-letters/purge`,
      [
        ["ids", "dl-old"],
        ["confirm", "1"],
      ],
      dashboard.url,
    );
    expect(purge.status).toBe(303);
    expect(await remainingIds()).toEqual(["dl-new"]);
    expect(await queues.sms.getJobState("dl-old")).toBe("unknown");

    const all = await postForm(
      `${dashboard.url}/dead-letters/redrive`,
      [["all", "1"]],
      dashboard.url,
    );
    expect(all.status).toBe(303);
    expect(await remainingIds()).toEqual([]);
    expect(await queues.sms.getJobState("dl-new")).toBe("waiting");
  });

  it.each([
    ["another site's Origin", "http://evil.example"],
    ["the same host on another port", "http://127.0.0.1:1"],
    ["an opaque Origin", "null"],
    ["no Origin or Referer", undefined],
  ])("refuses a form post with %s (403) and changes nothing", async (_label, origin) => {
    for (const action of ["redrive", "purge"]) {
      const response = await postForm(
        `${dashboard.url}/dead-letters/${action}`,
        [["all", "1"]],
        origin,
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: "DASHBOARD_CROSS_ORIGIN" });
    }
    expect(await remainingIds()).toEqual(["dl-new", "dl-old"]);
  });

  it("refuses a JSON post from another site's page too", async () => {
    const response = await fetch(`${dashboard.url}/dead-letters/api/purge`, {
      method: "POST",
      headers: { ...authorized, "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ all: true }),
    });
    expect(response.status).toBe(403);
    expect(await remainingIds()).toEqual(["dl-new", "dl-old"]);
  });
});
