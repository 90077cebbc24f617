import { request } from "node:http";
import { Writable } from "node:stream";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorized, basic, listenDashboard, USER } from "./helpers.js";

/** A GET from a chosen loopback address, so that two clients of one machine differ. */
function getFrom(
  url: string,
  localAddress: string,
  authorization: string,
): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { localAddress, headers: authorization ? { authorization } : {} },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers["retry-after"],
            body,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("guessing the dashboard password", () => {
  let redis: TestRedis;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  const lines: Record<string, unknown>[] = [];
  const wrong = basic(USER, "guess-the-password-1");

  beforeAll(async () => {
    redis = await startTestRedis();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    dashboard = await listenDashboard({
      connection: redis.url,
      prefix: redis.uniquePrefix("throttle"),
      logger: pino({ level: "info" }, sink),
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    await redis?.close();
  });

  it("answers 429 with Retry-After after 10 wrong passwords, and logs one line without them", async () => {
    const url = `${dashboard.url}/api/queues`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 200; attempt += 1) {
      statuses.push((await getFrom(url, "127.0.0.1", wrong)).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(new Set(statuses.slice(10))).toEqual(new Set([429]));

    const refused = await getFrom(url, "127.0.0.1", wrong);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(JSON.parse(refused.body)).toMatchObject({ code: "DASHBOARD_LOGIN_THROTTLED" });

    // Even the right password waits: otherwise the 429s would only slow the guessing down.
    expect((await getFrom(url, "127.0.0.1", authorized.authorization)).status).toBe(429);

    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ client: expect.stringContaining("127.0.0.1") });
    expect(JSON.stringify(lines)).not.toContain("guess-the-password");
    expect(JSON.stringify(lines)).not.toContain(wrong.slice(6));
  });

  it("still lets the right password in from another address", async () => {
    const response = await getFrom(
      `${dashboard.url}/api/queues`,
      "127.0.0.2",
      authorized.authorization,
    );
    expect(response.status).toBe(200);
  });

  it("does not count requests without credentials (the browser asking for the prompt)", async () => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      expect((await getFrom(`${dashboard.url}/`, "127.0.0.3", "")).status).toBe(401);
    }
    expect((await getFrom(`${dashboard.url}/`, "127.0.0.3", authorized.authorization)).status).toBe(
      200,
    );
  });

  it("logs at most 20 lines a minute however many addresses guess", async () => {
    const before = lines.filter((line) => line.level === 40).length;
    for (let client = 10; client < 40; client += 1) {
      for (let attempt = 0; attempt < 11; attempt += 1) {
        await getFrom(`${dashboard.url}/api/queues`, `127.0.0.${client}`, wrong);
      }
    }
    const warnings = lines.filter((line) => line.level === 40).length - before;
    expect(warnings).toBeGreaterThan(0);
    expect(before + warnings).toBeLessThanOrEqual(20);
  });
});

describe("guessing the password through a reverse proxy", () => {
  let redis: TestRedis;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;
  beforeAll(async () => {
    redis = await startTestRedis();
    dashboard = await listenDashboard({
      connection: redis.url,
      prefix: redis.uniquePrefix("throttle-proxy"),
      trustProxy: "loopback",
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    await redis?.close();
  });

  const from = (forwardedFor: string, authorization: string) =>
    fetch(`${dashboard.url}/api/queues`, {
      headers: { authorization, "x-forwarded-for": forwardedFor },
    }).then(async (response) => {
      await response.body?.cancel();
      return response.status;
    });

  it("throttles the client named by X-Forwarded-For, not the proxy", async () => {
    const wrong = basic(USER, "guess-the-password-2");
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect(await from("203.0.113.7", wrong)).toBe(401);
    }
    expect(await from("203.0.113.7", authorized.authorization)).toBe(429);
    expect(await from("198.51.100.4", authorized.authorization)).toBe(200);
  });
});
