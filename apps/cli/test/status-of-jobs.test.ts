import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

describe("sms-relay status", () => {
  let redis: TestRedis;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startTestRedis();
    env = { REDIS_URL: redis.url, SMS_QUEUE_PREFIX: redis.uniquePrefix("status") };
  });
  afterAll(async () => {
    await redis?.close();
  });

  it("shows a queued SMS as waiting", async () => {
    const sent = await cli(["send", "--to", "0612345678", "Hallo"], env);
    const id = sent.stdout.trim();
    const run = await cli(["status", id], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^id\\s+${id}$`, "m"));
    expect(run.stdout).toMatch(/^state\s+waiting$/m);
    expect(run.stdout).toMatch(/^attempts\s+0$/m);

    const json = await cli(["status", "--json", id], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, state: "waiting", documentIds: [] });
  });

  it("exits 1 with one line for an id it does not know", async () => {
    const run = await cli(["status", "no-such-job"], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "sms-relay: no SMS with id no-such-job (never queued, or removed after its retention)\n",
    );
  });

  it("still prints the JSON for an unknown id, and exits 1", async () => {
    const run = await cli(["status", "--json", "no-such-job"], env);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: "no-such-job", state: "unknown" });
  });

  it("needs exactly one id", async () => {
    expect((await cli(["status"], env)).code).toBe(2);
    expect((await cli(["status", "a", "b"], env)).code).toBe(2);
  });
});
