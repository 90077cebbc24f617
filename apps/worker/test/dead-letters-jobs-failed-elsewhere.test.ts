import {
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  SMS_JOB_NAME,
  SMS_QUEUE,
} from "@sms-relay/producer";
import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDeadLetterAction, createDeadLetterWriter } from "../src/dead-letter.js";
import { createFailedJobHandler } from "../src/failed-job-handler.js";
import { smsData } from "./support/job-like.js";
import { captureLogs } from "./support/log-capture.js";

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.close();
});

it("adds the missing dead-letter record for a job that failed for good outside the classification", async () => {
  const prefix = redis.uniquePrefix("fallback");
  const connection = { url: redis.url };
  const sms = new Queue(SMS_QUEUE, { connection, prefix });
  const deadLetters = new Queue<DeadLetterJobData>(DEAD_LETTER_QUEUE, { connection, prefix });
  const worker = new Worker(
    SMS_QUEUE,
    async () => {
      throw new Error("lost the lock");
    },
    { connection, prefix },
  );
  const logs = captureLogs();
  worker.on(
    "failed",
    createFailedJobHandler({
      deadLetter: createDeadLetterAction({
        write: createDeadLetterWriter(deadLetters),
        logger: logs.logger,
      }),
      logger: logs.logger,
    }),
  );
  try {
    const data = smsData();
    await sms.add(SMS_JOB_NAME, data, { jobId: "retried-once", attempts: 2 });

    const record = await waitFor(() => deadLetters.getJob("retried-once"), {
      description: "the fallback dead-letter record",
    });
    expect(record.data).toMatchObject({
      jobId: "retried-once",
      reason: "exhausted",
      attemptsMade: 2,
      message: data,
      error: { message: "lost the lock" },
    });
    expect(await deadLetters.count()).toBe(1);
  } finally {
    await worker.close();
    await sms.close();
    await deadLetters.close();
  }
});
