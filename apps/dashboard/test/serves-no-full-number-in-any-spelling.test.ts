import { DEAD_LETTER_JOB_NAME, deadLetterJobOptions } from "@sms-relay/producer";
import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetter, openQueues, type Queues } from "./dead-letter-fixtures.js";
import { authorized, listenDashboard } from "./helpers.js";

/** +31612345678 as people and APIs write it. */
const SPELLINGS = [
  "+31612345678",
  "0031612345678",
  "31612345678",
  "+31 6 12345678",
  "+31 6 1234 5678",
  "06-12345678",
  "06 12 34 56 78",
  "(06)12345678",
  "(06) 1234 5678",
  "+31 (0)6 12345678",
  "06.12.34.56.78",
  "0612345678",
  "097012345678",
  "+31 97 0123 45678",
];
const TEXT = `Bel ${SPELLINGS.join(" of ")} terug`;
const ERROR_BODY = JSON.stringify({
  error: "invalid mobile_number",
  details: SPELLINGS.map((spelling) => `mobile_number ${spelling} is blocked`),
});

/** The subscriber digits 1 2 3 4 5 in a row, whatever stands between them. */
const FULL_NUMBER = /1[\s.\-/()]*2[\s.\-/()]*3[\s.\-/()]*4[\s.\-/()]*5/;

function expectNoFullNumber(served: string): void {
  for (const spelling of SPELLINGS) expect(served).not.toContain(spelling);
  expect(served).not.toMatch(FULL_NUMBER);
}

describe("numbers in message content, error messages and error bodies", () => {
  let redis: TestRedis;
  let queues: Queues;
  let dashboard: Awaited<ReturnType<typeof listenDashboard>>;

  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = redis.uniquePrefix("spell");
    queues = openQueues(redis, prefix);
    const message = {
      v: 1,
      to: "06-12345678",
      content: TEXT,
      sender: "MyShop",
      createdAt: "2025-01-01T10:00:00.000Z",
    };
    // A real failed job and a real completed one, with logs, as a worker leaves them.
    const worker = new Worker(
      "sms",
      async (job) => {
        await job.log(`sending to ${SPELLINGS.join(", ")}`);
        if (job.id === "dead-1") {
          const error = new UnrecoverableError(`KPN rejected ${TEXT}: ${ERROR_BODY}`);
          error.stack = `Error: ${TEXT}\n    at send (${ERROR_BODY})`;
          throw error;
        }
        return { documentIds: ["doc-1"], note: TEXT, body: ERROR_BODY };
      },
      { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix },
    );
    await queues.sms.add("sms", message, { jobId: "dead-1" });
    await queues.sms.add("sms", message, { jobId: "sent-1" });
    await waitFor(
      async () =>
        (await queues.sms.getFailedCount()) + (await queues.sms.getCompletedCount()) === 2,
      { description: "one failed and one completed job" },
    );
    await worker.close();
    const record = deadLetter("dead-1", "06-12345678", `rejected: ${TEXT}`);
    await queues.deadLetters.add(
      DEAD_LETTER_JOB_NAME,
      {
        ...record,
        message,
        error: { ...record.error, body: ERROR_BODY },
      },
      deadLetterJobOptions("dead-1"),
    );
    dashboard = await listenDashboard({ connection: redis.url, prefix });
  });
  afterAll(async () => {
    await dashboard?.close();
    await queues?.close();
    await redis?.close();
  });

  async function served(path: string): Promise<string> {
    const response = await fetch(`${dashboard.url}${path}`, { headers: authorized });
    expect(response.status, path).toBe(200);
    return await response.text();
  }

  it.each([
    "/api/queues?activeQueue=sms&status=latest&page=1&jobsPerPage=50",
    "/api/queues?activeQueue=sms&status=failed&page=1&jobsPerPage=50",
    "/api/queues?activeQueue=sms&status=completed&page=1&jobsPerPage=50",
    "/api/queues?activeQueue=sms-dead-letter&status=latest&page=1&jobsPerPage=50",
    "/api/queues/sms/dead-1",
    "/api/queues/sms/sent-1",
    "/api/queues/sms/dead-1/logs",
    "/api/queues/sms-dead-letter/dead-1",
    "/dead-letters/api",
    "/dead-letters",
  ])("%s shows every spelling masked", async (path) => {
    const text = await served(path);
    expectNoFullNumber(text);
    expect(text).toContain("+316****5678");
  });

  it("shows the job's flow without a full number", async () => {
    expectNoFullNumber(await served("/api/queues/sms/dead-1/flow"));
  });

  it("still shows what the job is about, with the numbers masked in place", async () => {
    const body = (await (
      await fetch(`${dashboard.url}/api/queues/sms/dead-1`, {
        headers: authorized,
      })
    ).json()) as { job: { failedReason: string; stacktrace: string[]; data: { content: string } } };
    expect(body.job.data.content).toMatch(/^Bel \+316\*{4}5678 of /);
    expect(body.job.failedReason).toContain("KPN rejected Bel +316****5678");
    expect(body.job.stacktrace.join("\n")).toContain("+319****5678");
  });

  it("leaves the stored jobs as they were", async () => {
    expect((await queues.sms.getJob("dead-1"))?.data.content).toBe(TEXT);
  });
});
