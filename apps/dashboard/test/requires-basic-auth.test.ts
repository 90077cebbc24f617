import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorized, basic, listenDashboard, PASSWORD, USER } from "./helpers.js";

describe("basic auth", () => {
  let redis: TestRedis;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;

  beforeAll(async () => {
    redis = await startTestRedis();
    dashboard = await listenDashboard({
      connection: redis.url,
      prefix: redis.uniquePrefix("auth"),
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    await redis?.close();
  });

  it.each(["/", "/api/queues", "/queue/sms", "/static/favicon-32x32.png"])(
    "answers 401 with WWW-Authenticate on %s without credentials",
    async (path) => {
      const response = await fetch(`${dashboard.url}${path}`);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
      await response.body?.cancel();
    },
  );

  it.each([
    ["GET", "/dead-letters"],
    ["GET", "/dead-letters/api"],
    ["POST", "/dead-letters/api/redrive"],
    ["POST", "/dead-letters/api/purge"],
    ["POST", "/dead-letters/redrive"],
    ["POST", "/dead-letters/purge"],
  ])("answers 401 to %s %s without credentials", async (method, path) => {
    const response = await fetch(`${dashboard.url}${path}`, {
      method,
      headers: { "content-type": "application/json", origin: dashboard.url },
      ...(method === "POST" ? { body: JSON.stringify({ all: true }) } : {}),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
    await response.body?.cancel();
  });

  it.each([
    ["a wrong password", basic(USER, "wrong")],
    ["a wrong user", basic("admin", PASSWORD)],
    ["a prefix of the password", basic(USER, PASSWORD.slice(0, -1))],
    ["no password", basic(USER, "")],
    ["another scheme", `Bearer ${PASSWORD}`],
    ["garbage", "Basic %%%"],
  ])("answers 401 to %s", async (_label, authorization) => {
    const response = await fetch(`${dashboard.url}/api/queues`, { headers: { authorization } });
    expect(response.status).toBe(401);
    await response.body?.cancel();
  });

  it("serves the board and its API with the right credentials", async () => {
    const page = await fetch(`${dashboard.url}/`, { headers: authorized });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");

    const api = await fetch(`${dashboard.url}/api/queues`, { headers: authorized });
    expect(api.status).toBe(200);
    expect(api.headers.get("x-powered-by")).toBeNull();
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(["sms", "sms-dead-letter"]);
  });

  it("answers /healthz without credentials", async () => {
    const response = await fetch(`${dashboard.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
