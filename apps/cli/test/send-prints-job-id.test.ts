import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

describe("sms-relay send", () => {
  let redis: TestRedis;
  let env: Record<string, string>;
  let sms: Queue;

  beforeAll(async () => {
    redis = await startTestRedis();
    env = { REDIS_URL: redis.url, SMS_QUEUE_PREFIX: redis.uniquePrefix("send") };
    sms = new Queue("sms", { connection: { url: redis.url }, prefix: env.SMS_QUEUE_PREFIX });
  });
  afterAll(async () => {
    await sms?.close();
    await redis?.close();
  });

  it("queues the SMS and prints its job id alone on stdout", async () => {
    const run = await cli(
      ["send", "--to", "06 1234 5678", "--sender", "MyShop", "Uw", "pakket"],
      env,
    );
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(/^\S+$/);
    expect(run.stderr).toContain("+316****5678");
    expect(run.stderr).not.toContain("12345678");
    const job = await sms.getJob(id);
    expect(job?.data).toMatchObject({ to: "+31612345678", content: "Uw pakket", sender: "MyShop" });
  });

  it("prints the whole receipt with --json", async () => {
    const run = await cli(["send", "--json", "--to", "+31612345678", "Hallo"], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      to: "+31612345678",
      parts: 1,
      segments: 1,
      encoding: "GSM-7",
      deduplicated: false,
    });
  });

  it("queues once per --key and says so the second time", async () => {
    const first = await cli(["send", "--to", "0612345678", "--key", "order-42", "Verzonden"], env);
    const second = await cli(["send", "--to", "0612345678", "--key", "order-42", "Verzonden"], env);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toContain("already queued");
  });

  it("exits 1 with one line naming `to` for a number that is not a mobile number", async () => {
    const before = await sms.count();
    const run = await cli(["send", "--to", "0201234567", "Hallo"], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sms-relay: .*\bto\b/);
    expect(await sms.count()).toBe(before);
  });

  it.each([
    ["TwelveChars!", "sms-relay: sender: must have at most 11 characters; got 12\n"],
    ["   ", "sms-relay: sender: must have 1 to 11 characters and not only spaces; got none\n"],
    [
      "Shop€",
      'sms-relay: sender: may only use letters, digits and other GSM 03.38 basic characters; got "€"\n',
    ],
  ])("names the field once for a bad sender %j", async (sender, line) => {
    const run = await cli(["send", "--to", "0612345678", "--sender", sender, "Hallo"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(line);
  });

  it.each([
    [["send", "Hallo"], "--to is required"],
    [["send", "--to", "0612345678"], "TEXT"],
    [["send", "--to", "0612345678", "--bogus", "x"], "Unknown option '--bogus'"],
  ])("exits 2 on a wrong command line %j", async (argv, message) => {
    const run = await cli(argv, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("sms-relay send --help");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("exits 2 on an unknown command, pointing at the overview", async () => {
    const run = await cli(["sned", "--to", "0612345678", "Hallo"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('sms-relay: unknown command "sned" (see: sms-relay --help)\n');
  });

  it("prints help on --help without touching Redis", async () => {
    const run = await cli(["send", "--help"], { REDIS_URL: "redis://127.0.0.1:1" });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: sms-relay send --to NUMBER");
  });

  it("spells the --key argument the same in the usage line and the option list", async () => {
    const run = await cli(["send", "--help"], { REDIS_URL: "redis://127.0.0.1:1" });
    expect(run.stdout).toContain("[--key IDEMPOTENCY_KEY]");
    expect(run.stdout).toMatch(/^ {2}--key IDEMPOTENCY_KEY$/m);
    expect(run.stdout).not.toMatch(/--key KEY\b/);
  });
});
