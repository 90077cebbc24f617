import { freePort, startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorized, listenDashboard } from "./helpers.js";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const JARGON = /ECONNREFUSED|ioredis|Connection is closed|max retries|Stream isn't writeable/i;

describe("refusals and outages", () => {
  let redis: TestRedis;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  let down: Awaited<ReturnType<typeof listenDashboard>>;
  let downPort: number;

  beforeAll(async () => {
    redis = await startTestRedis();
    dashboard = await listenDashboard({
      connection: redis.url,
      prefix: redis.uniquePrefix("plain"),
    });
    // Nothing listens there: the dashboard's Redis is down from the start.
    downPort = await freePort();
    down = await listenDashboard({
      connection: `redis://:hunter2-secret@127.0.0.1:${downPort}`,
      prefix: "down",
    });
  });
  afterAll(async () => {
    await down?.close();
    await dashboard?.close();
    await redis?.close();
  });

  it("shows a browser without credentials a sign-in page, still asking for basic auth", async () => {
    const response = await fetch(`${dashboard.url}/`, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("<h1>Sign-in needed</h1>");
    expect(html).toContain("DASHBOARD_USER");
  });

  it.each([
    ["application/json", "application/json"],
    ["*/*", "*/*"],
    ["no Accept", undefined],
  ])("answers an API client (%s) without credentials with JSON", async (_label, accept) => {
    const response = await fetch(`${dashboard.url}/api/queues`, {
      headers: accept ? { accept } : {},
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: "authentication required",
      code: "DASHBOARD_UNAUTHORIZED",
    });
  });

  it("tells a client with a wrong password so, without saying which half was wrong", async () => {
    const wrong = `Basic ${Buffer.from("admin:not-the-password").toString("base64")}`;
    const json = await fetch(`${dashboard.url}/api/queues`, { headers: { authorization: wrong } });
    expect(json.status).toBe(401);
    expect(await json.json()).toEqual({
      error: "wrong user name or password",
      code: "DASHBOARD_UNAUTHORIZED",
    });
    const page = await fetch(`${dashboard.url}/`, {
      headers: { authorization: wrong, accept: BROWSER_ACCEPT },
    });
    expect(page.status).toBe(401);
    expect(page.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
    expect(await page.text()).toContain("<h1>Wrong user name or password</h1>");
  });

  it.each(["/", "/queue/sms", "/dead-letters", "/sms?q=0612345678"])(
    "shows a browser a page in plain words on %s while Redis is down, without the password",
    async (path) => {
      const response = await fetch(`${down.url}${path}`, {
        headers: { ...authorized, accept: BROWSER_ACCEPT },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html).toContain("<h1>Redis is not reachable</h1>");
      expect(html).toContain(`redis://127.0.0.1:${downPort} (password hidden)`);
      expect(html).not.toContain("hunter2");
      expect(html).not.toMatch(JARGON);
    },
  );

  it.each(["/api/queues", "/dead-letters/api", "/sms/api?q=0612345678"])(
    "answers an API client on %s while Redis is down with JSON in plain words",
    async (path) => {
      const response = await fetch(`${down.url}${path}`, { headers: authorized });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: string; code: string };
      expect(body.code).toMatch(/^(DASHBOARD_REDIS_UNAVAILABLE|SMS_QUEUE_UNAVAILABLE)$/);
      expect(body.error).toContain(`Redis is not reachable at redis://127.0.0.1:${downPort}`);
      expect(JSON.stringify(body)).not.toContain("hunter2");
      expect(JSON.stringify(body)).not.toMatch(JARGON);
    },
  );

  it("serves bull-board's page with nothing from another host and the fonts from itself", async () => {
    const response = await fetch(`${dashboard.url}/`, { headers: authorized });
    const html = await response.text();
    expect(html).not.toMatch(/(?:href|src)=["']?(?:https?:)?\/\//i);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    const css = [...html.matchAll(/href="(\/assets\/fonts\/[^"]+\.css)"/g)].map((m) => m[1]);
    expect(css.length).toBeGreaterThanOrEqual(5);
    const sans = await fetch(`${dashboard.url}${css[0]}`, { headers: authorized });
    expect(sans.status).toBe(200);
    const face = await sans.text();
    expect(face).toContain("font-family: 'IBM Plex Sans'");
    const file = /url\(\.\/(files\/[^)]+latin-400-normal\.woff2)\)/.exec(face)?.[1];
    const font = await fetch(`${dashboard.url}/assets/fonts/ibm-plex-sans/${file}`, {
      headers: authorized,
    });
    expect(font.status).toBe(200);
    expect((await font.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it("warns of no workers on sms only: the dead-letter queue has none by design", async () => {
    const response = await fetch(`${dashboard.url}/api/queues`, { headers: authorized });
    const body = (await response.json()) as {
      queues: { name: string; hasWorkers: boolean | null; description?: string }[];
    };
    const byName = Object.fromEntries(body.queues.map((queue) => [queue.name, queue]));
    expect(byName.sms?.hasWorkers).toBe(false);
    expect(byName["sms-dead-letter"]?.hasWorkers).toBeNull();
    expect(byName["sms-dead-letter"]?.description).toMatch(/by design/);
  });
});
