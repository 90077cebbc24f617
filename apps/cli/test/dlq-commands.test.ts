import { DEAD_LETTER_JOB_NAME, type DeadLetterJobData } from "@sms-relay/producer";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

function deadLetter(jobId: string, to: string, reason: DeadLetterJobData["reason"]) {
  return {
    v: 1,
    jobId,
    message: {
      v: 1,
      to,
      content: `Bericht ${jobId}`,
      sender: "MyShop",
      createdAt: "2025-01-31T10:00:00.000Z",
    },
    reason,
    error: { message: "Bad Request: invalid mobile number", status: 400 },
    attemptsMade: 1,
    documentIds: [],
    failedAt: "2025-01-31T10:00:05.000Z",
  } satisfies DeadLetterJobData;
}

describe("sms-relay dlq", () => {
  let redis: TestRedis;
  let env: Record<string, string>;
  let sms: Queue;
  let deadLetters: Queue;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  beforeEach(async () => {
    await sms?.close();
    await deadLetters?.close();
    const prefix = redis.uniquePrefix("dlq");
    env = { REDIS_URL: redis.url, SMS_QUEUE_PREFIX: prefix };
    const connection = { url: redis.url };
    sms = new Queue("sms", { connection, prefix });
    deadLetters = new Queue("sms-dead-letter", { connection, prefix });
    // Records as the worker writes them: the dead-letter job has the id of its sms job.
    await deadLetters.add(DEAD_LETTER_JOB_NAME, deadLetter("sms-a", "+31612345678", "rejected"), {
      jobId: "sms-a",
    });
    await deadLetters.add(DEAD_LETTER_JOB_NAME, deadLetter("sms-b", "+31687654321", "exhausted"), {
      jobId: "sms-b",
    });
  });
  afterAll(async () => {
    await sms?.close();
    await deadLetters?.close();
    await redis?.close();
  });

  it("lists records with masked numbers", async () => {
    const run = await cli(["dlq", "list"], env);
    expect(run.code).toBe(0);
    const [header, ...rows] = run.stdout.trim().split("\n");
    expect(header).toMatch(/^ID\s+FAILED AT\s+REASON\s+TO\s+ATTEMPTS\s+ERROR$/);
    expect(rows).toHaveLength(2);
    expect(run.stdout).toContain("+316****5678");
    expect(run.stdout).toContain("+316****4321");
    expect(run.stdout).not.toContain("12345678");
    expect(run.stdout).toMatch(/sms-a\s+2025-01-31T10:00:05.000Z\s+rejected/);
    expect(run.stdout).toContain("400 Bad Request: invalid mobile number");
  });

  it("lists the full records as JSON", async () => {
    const run = await cli(["dlq", "list", "--json"], env);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as {
      total: number;
      records: { id: string; data: DeadLetterJobData }[];
    };
    expect(body.total).toBe(2);
    expect(body.records.map((record) => record.id).sort()).toEqual(["sms-a", "sms-b"]);
    const a = body.records.find((record) => record.id === "sms-a");
    expect(a?.data.message.to).toBe("+31612345678");
  });

  it("shows how many it left out with --limit", async () => {
    const run = await cli(["dlq", "list", "--limit", "1"], env);
    expect(run.stdout).toContain("(1 of 2 shown; --limit to see more)");
  });

  it("redrives one record back onto the sms queue", async () => {
    const run = await cli(["dlq", "redrive", "sms-a"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("redriven 1: sms-a\n");
    expect(await sms.getJobState("sms-a")).toBe("waiting");
    expect((await sms.getJob("sms-a"))?.data.to).toBe("+31612345678");
    expect(await deadLetters.getJob("sms-a")).toBeUndefined();
    expect(await deadLetters.getJob("sms-b")).toBeDefined();
  });

  it("redrives --all and reports as JSON", async () => {
    const run = await cli(["dlq", "redrive", "--all", "--json"], env);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { redriven: string[]; missing: string[] };
    expect(result.redriven.sort()).toEqual(["sms-a", "sms-b"]);
    expect(result.missing).toEqual([]);
    expect(await sms.count()).toBe(2);
  });

  it("purges what it finds and exits 1 naming the ids it did not", async () => {
    const run = await cli(["dlq", "purge", "sms-b", "sms-x"], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("purged 1: sms-b\n");
    expect(run.stderr).toBe("sms-relay: not in the dead-letter queue: sms-x\n");
    expect(await deadLetters.getJob("sms-b")).toBeUndefined();
    expect(await sms.count()).toBe(0);
  });

  it("purges --all and then lists an empty queue", async () => {
    expect((await cli(["dlq", "purge", "--all"], env)).stdout).toMatch(
      /^purged 2: sms-[ab], sms-[ab]\n$/,
    );
    const list = await cli(["dlq", "list"], env);
    expect(list.stdout).toBe("the dead-letter queue is empty\n");
  });

  it.each([
    [["dlq", "redrive"], "give the IDs"],
    [["dlq", "purge", "--all", "sms-a"], "not both"],
    [
      ["dlq", "drop"],
      'unknown command "dlq drop": expected dlq list|redrive|purge (see: sms-relay dlq --help)',
    ],
    [["dlq", "list", "--limit", "0"], "--limit"],
  ])("rejects the command line %j with exit 2", async (argv, message) => {
    const run = await cli(argv, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(await deadLetters.count()).toBe(2);
  });
});
