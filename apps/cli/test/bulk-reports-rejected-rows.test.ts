import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, scratchDir } from "./helpers.js";

describe("sms-relay bulk", () => {
  let redis: TestRedis;
  let files: Awaited<ReturnType<typeof scratchDir>>;

  beforeAll(async () => {
    redis = await startTestRedis();
    files = await scratchDir();
  });
  afterAll(async () => {
    await files?.cleanup();
    await redis?.close();
  });

  async function freshQueue() {
    const prefix = redis.uniquePrefix("bulk");
    const queue = new Queue("sms", { connection: { url: redis.url }, prefix });
    return { env: { REDIS_URL: redis.url, SMS_QUEUE_PREFIX: prefix }, queue };
  }

  it("queues the good rows and reports each bad one with its line number and reason", async () => {
    const { env, queue } = await freshQueue();
    const path = await files.write(
      "mixed.csv",
      [
        "to,content,sender",
        "0612345678,Eerste bericht,MyShop",
        "0201234567,Vast nummer,MyShop", // line 3: landline
        "",
        '+31687654321,"Met, komma",',
        "0612345679,,MyShop", // line 6: empty content
        "0612345670,Laatste,",
      ].join("\n"),
    );
    const run = await cli(["bulk", path], env);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe("accepted 3, rejected 2");
    expect(lines[1]).toMatch(/^line 3: .*\bto\b/);
    expect(lines[2]).toMatch(/^line 6: .*\bcontent\b/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("2 of 5 rows rejected; the other 3 were queued");

    const jobs = await queue.getJobs(["waiting"]);
    expect(jobs.map((job) => job.data.content).sort()).toEqual([
      "Eerste bericht",
      "Laatste",
      "Met, komma",
    ]);
    expect(jobs.find((job) => job.data.content === "Eerste bericht")?.data.sender).toBe("MyShop");
    await queue.close();
  });

  it("names a bad key as the header does, and exits 1: the rows are data, not the command line", async () => {
    const { env, queue } = await freshQueue();
    const path = await files.write(
      "key.csv",
      `to,content,key\n0612345678,Hallo,${"k".repeat(201)}\n`,
    );
    const run = await cli(["bulk", path], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("accepted 0, rejected 1\nline 2: key: must be 1 to 200 characters\n");
    await queue.close();
  });

  it("prints accepted ids with their lines and the rejected rows with --json", async () => {
    const { env, queue } = await freshQueue();
    const path = await files.write("json.csv", "content,to\nHallo,0612345678\nHallo,123\n");
    const run = await cli(["bulk", "--json", path], env);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as {
      accepted: { line: number; id: string; deduplicated: boolean }[];
      rejected: { line: number; error: string }[];
    };
    expect(summary.accepted).toHaveLength(1);
    expect(summary.accepted[0]?.line).toBe(2);
    expect(await queue.getJob(summary.accepted[0]?.id ?? "")).toBeDefined();
    expect(summary.rejected).toEqual([{ line: 3, error: expect.stringContaining("to") }]);
    await queue.close();
  });

  it("exits 0 when every row is queued, across several chunks, with a progress bar on a TTY", async () => {
    const { env, queue } = await freshQueue();
    const rows = Array.from({ length: 1203 }, (_, i) => `06${String(10_000_000 + i)},Bericht ${i}`);
    const path = await files.write("many.csv", `to,content\n${rows.join("\n")}\n`);
    const run = await cli(["bulk", path], env, { tty: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("accepted 1203, rejected 0\n");
    expect(run.stderr).toContain("\r[");
    expect(run.stderr).toContain("1203 queued, 0 rejected");
    expect(await queue.count()).toBe(1203);
    await queue.close();
  });

  it("shows progress as the share of rows queued, with their count, not of the file read", async () => {
    const { env, queue } = await freshQueue();
    const rows = Array.from({ length: 1203 }, (_, i) => `06${String(10_000_000 + i)},Bericht ${i}`);
    // The whole file fits one read of the parser: progress by bytes read would say 100% at once.
    const path = await files.write("progress.csv", `to,content\n${rows.join("\n")}\n`);
    const run = await cli(["bulk", path], env, { tty: true });
    expect(run.code).toBe(0);
    const frames = [...run.stderr.matchAll(/\]\s+(\d+)% (\d+) queued, (\d+) rejected/g)].map(
      ([, percent, queued, rejected]) => ({
        percent: Number(percent),
        done: Number(queued) + Number(rejected),
      }),
    );
    // The first frame comes after the first chunk of 500 rows.
    expect(frames[0]).toEqual({ percent: expect.any(Number), done: 500 });
    for (const { percent, done } of frames) {
      expect(Math.abs(percent - (100 * done) / 1203)).toBeLessThanOrEqual(3);
    }
    expect(frames.at(-1)).toEqual({ percent: 100, done: 1203 });
    await queue.close();
  });

  it("draws no progress when stderr is not a terminal", async () => {
    const { env, queue } = await freshQueue();
    const path = await files.write("one.csv", "to,content\n0612345678,Hallo\n");
    const run = await cli(["bulk", path], env, { tty: false });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    await queue.close();
  });

  it("gives rows a lifetime from ttlSeconds or expiresAt columns, refusing bad values by column", async () => {
    const { env, queue } = await freshQueue();
    const inAnHour = new Date(Date.now() + 3600_000).toISOString();
    const tooLate = new Date(Date.now() + 8 * 24 * 3600_000).toISOString();
    const path = await files.write(
      "expiry.csv",
      [
        "to,content,TTLSeconds,expiresAt",
        "0612345601,Met ttl,300,",
        `0612345602,Met tijdstip,,${inAnHour}`,
        "0612345603,Zonder,,",
        "0612345604,Geen getal,5 min,", // line 5
        "0612345605,Te lang,604801,", // line 6
        "0612345606,Geen datum,,morgen", // line 7
        `0612345607,Te ver,,${tooLate}`, // line 8
        `0612345608,Allebei,60,${inAnHour}`, // line 9
        "0612345609,Negatief,-5,", // line 10
      ].join("\n"),
    );
    const started = Date.now();
    const run = await cli(["bulk", path], env);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toEqual([
      "accepted 3, rejected 6",
      "line 5: ttlSeconds: must be a whole number of seconds, 1 to 604800",
      expect.stringMatching(/^line 6: ttlSeconds: must be 1 to 604800/),
      expect.stringMatching(/^line 7: expiresAt: must be a valid date/),
      expect.stringMatching(/^line 8: expiresAt: must be at most a week ahead/),
      expect.stringMatching(/^line 9: expiresAt: give ttlSeconds or expiresAt, not both/),
      "line 10: ttlSeconds: must be a whole number of seconds, 1 to 604800",
    ]);
    expect(run.stderr).toContain("6 of 9 rows rejected; the other 3 were queued");

    const jobs = await queue.getJobs(["waiting"]);
    const expiryOf = (content: string) =>
      jobs.find((job) => job.data.content === content)?.data.expiresAt as string | undefined;
    expect(jobs).toHaveLength(3);
    const ttlExpiry = Date.parse(expiryOf("Met ttl") ?? "");
    expect(ttlExpiry).toBeGreaterThanOrEqual(started + 300_000);
    expect(ttlExpiry).toBeLessThanOrEqual(Date.now() + 300_000);
    expect(expiryOf("Met tijdstip")).toBe(inAnHour);
    expect(expiryOf("Zonder")).toBeUndefined();
    await queue.close();
  });

  it.each([
    ["no header", "0612345678,Hallo\n", /header row/],
    ["an unknown column", "to,content,phone\n0612345678,Hallo,x\n", /unknown column "phone"/],
    ["only a header", "to,content\n", /no rows below its header/],
  ])("refuses a file with %s", async (_label, content, message) => {
    const { env, queue } = await freshQueue();
    const path = await files.write("bad.csv", content);
    const run = await cli(["bulk", path], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(await queue.count()).toBe(0);
    await queue.close();
  });

  it("says which file it cannot read", async () => {
    const run = await cli(
      ["bulk", "does-not-exist.csv"],
      { REDIS_URL: redis.url },
      {
        cwd: files.dir,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot read .*does-not-exist\.csv: ENOENT/);
  });
});

describe("sms-relay bulk through `pnpm sms-relay`", () => {
  it("reads a relative file name from where the command was typed (INIT_CWD)", async () => {
    const redis = await startTestRedis();
    const files = await scratchDir();
    try {
      await files.write("here.csv", "to,content\n0612345678,Hallo\n");
      const prefix = redis.uniquePrefix("init-cwd");
      const run = await cli(["bulk", "here.csv"], {
        REDIS_URL: redis.url,
        SMS_QUEUE_PREFIX: prefix,
        INIT_CWD: files.dir,
      });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toBe("accepted 1, rejected 0\n");
    } finally {
      await files.cleanup();
      await redis.close();
    }
  });
});
