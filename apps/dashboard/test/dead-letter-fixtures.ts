import {
  DEAD_LETTER_JOB_NAME,
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  deadLetterJobOptions,
  SMS_QUEUE,
} from "@sms-relay/producer";
import type { TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { authorized } from "./helpers.js";

/** A dead-letter record as the worker writes it, for the SMS job `id`. */
export function deadLetter(id: string, to: string, errorMessage = "rejected"): DeadLetterJobData {
  return {
    v: 1,
    jobId: id,
    message: {
      v: 1,
      to,
      content: "Uw code is 1234",
      sender: "MyShop",
      createdAt: "2025-01-01T10:00:00.000Z",
    },
    reason: "rejected",
    error: { message: errorMessage, status: 400, code: "KPN_REJECTED" },
    attemptsMade: 1,
    documentIds: [],
    failedAt: "2025-01-01T10:00:05.000Z",
  };
}

/** The `sms` and `sms-dead-letter` queues under one prefix, to seed and inspect. */
export interface Queues {
  sms: Queue;
  deadLetters: Queue;
  add(id: string, to: string, errorMessage?: string): Promise<void>;
  close(): Promise<void>;
}

export function openQueues(redis: TestRedis, prefix: string): Queues {
  const sms = new Queue(SMS_QUEUE, { connection: { url: redis.url }, prefix });
  const deadLetters = new Queue(DEAD_LETTER_QUEUE, { connection: { url: redis.url }, prefix });
  return {
    sms,
    deadLetters,
    async add(id, to, errorMessage) {
      await deadLetters.add(
        DEAD_LETTER_JOB_NAME,
        deadLetter(id, to, errorMessage),
        deadLetterJobOptions(id),
      );
    },
    async close() {
      await sms.close();
      await deadLetters.close();
    },
  };
}

/** A JSON POST with credentials. */
export function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { ...authorized, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A form post as a browser sends it from the page at `origin`, not following the redirect. */
export function postForm(
  url: string,
  fields: [string, string][],
  origin: string | undefined,
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...authorized,
      "content-type": "application/x-www-form-urlencoded",
      ...(origin ? { origin } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
}
