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

  it("exits 2 with one line naming --to for a number that is not a mobile number", async () => {
    const before = await sms.count();
    const run = await cli(["send", "--to", "0201234567", "Hallo"], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "sms-relay: --to: phone number is a landline number, not a mobile number (06… or 097…) (see: sms-relay send --help)\n",
    );
    expect(await sms.count()).toBe(before);
  });

  it.each([
    ["TwelveChars!", "--sender: must have at most 11 characters; got 12"],
    ["   ", "--sender: must have 1 to 11 characters and not only spaces; got none"],
    [
      "Shop€",
      '--sender: may only use letters, digits and other GSM 03.38 basic characters; got "€"',
    ],
  ])("exits 2 naming the option once for a bad sender %j", async (sender, reason) => {
    const run = await cli(["send", "--to", "0612345678", "--sender", sender, "Hallo"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`sms-relay: ${reason} (see: sms-relay send --help)\n`);
  });

  it("names --key and TEXT as typed, not the producer's field names", async () => {
    const run = await cli(["send", "--to", "0612345678", "--key", "k".repeat(201), "x"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "sms-relay: --key: must be 1 to 200 characters (see: sms-relay send --help)\n",
    );
    const long = await cli(["send", "--to", "0612345678", "x".repeat(2000)], env);
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/^sms-relay: TEXT: too long: .* \(see: sms-relay send --help\)\n$/);
  });

  it("exits 1, not 2, for a bad SMS_DEFAULT_SENDER: the command line is fine", async () => {
    const run = await cli(["send", "--to", "0612345678", "Hallo"], {
      ...env,
      SMS_DEFAULT_SENDER: "TwelveChars!",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("defaultSender");
  });

  it.each([
    [["send", "Hallo"], "sms-relay: --to is required"],
    [["send", "--to", "0612345678"], "sms-relay: the TEXT to send is missing"],
    [["send", "--to", "0612345678", "--bogus", "x"], 'sms-relay: unknown option "--bogus"'],
    [["send", "--too", "0612345678", "x"], 'sms-relay: unknown option "--too", did you mean --to?'],
    [["send", "-x", "--to", "0612345678", "x"], 'sms-relay: unknown option "-x"'],
    [["send", "Hallo", "--to"], "sms-relay: --to needs a value"],
    [["send", "--to", "0612345678", "--json=yes", "x"], "sms-relay: --json takes no value"],
    [
      ["send", "--to", "--json", "x"],
      'sms-relay: --to needs a value, got "--json"; write --to=--json if that is the value',
    ],
  ])("exits 2 on a wrong command line %j", async (argv, message) => {
    const run = await cli(argv, env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`${message} (see: sms-relay send --help)\n`);
  });

  it("exits 2 on an unknown command, pointing at the overview", async () => {
    const run = await cli(["sned", "--to", "0612345678", "Hallo"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sms-relay: unknown command "sned", did you mean send? (see: sms-relay --help)\n',
    );
    const far = await cli(["bogus"], env);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe('sms-relay: unknown command "bogus" (see: sms-relay --help)\n');
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
