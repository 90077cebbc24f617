import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import {
  DEAD_LETTER_JOB_NAME,
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  deadLetterJobOptions,
  SMS_QUEUE,
  type SmsJobData,
  type SmsJobResult,
} from "../src/index.js";

/** What the simulated worker does with one job. */
export type Outcome =
  | { kind: "send"; documentIds: string[] }
  | { kind: "fail-retryable"; message: string }
  | { kind: "dead-letter"; message: string; documentIds?: string[]; partsSent?: number }
  | { kind: "hold"; release: Promise<void>; documentIds?: string[] };

/**
 * A stand-in for the SMS worker: a real BullMQ Worker on the `sms` queue that does what the
 * test says per job, dead-letters the way the worker does, and retries after one minute.
 */
export function startSimulatedWorker(
  url: string,
  prefix: string,
  decide: (job: Job<SmsJobData>) => Outcome,
): { worker: Worker; close: () => Promise<void> } {
  const { port, hostname } = new URL(url);
  const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
  const deadLetters = new Queue(DEAD_LETTER_QUEUE, { connection, prefix });
  const worker = new Worker<SmsJobData, SmsJobResult>(
    SMS_QUEUE,
    async (job) => {
      const outcome = decide(job);
      switch (outcome.kind) {
        case "send":
          return {
            documentIds: outcome.documentIds,
            parts: outcome.documentIds.length,
            segments: outcome.documentIds.length,
            encoding: "GSM-7",
            sentAt: new Date().toISOString(),
          };
        case "fail-retryable":
          throw new Error(outcome.message);
        case "dead-letter": {
          if (outcome.partsSent !== undefined) {
            await job.updateProgress({
              documentIds: outcome.documentIds ?? [],
              partsSent: outcome.partsSent,
            });
          }
          const record: DeadLetterJobData = {
            v: 1,
            jobId: String(job.id),
            message: job.data,
            reason: "rejected",
            error: { message: outcome.message, status: 400 },
            attemptsMade: job.attemptsMade + 1,
            documentIds: outcome.documentIds ?? [],
            failedAt: new Date().toISOString(),
          };
          await deadLetters.add(DEAD_LETTER_JOB_NAME, record, deadLetterJobOptions(String(job.id)));
          throw new UnrecoverableError(outcome.message);
        }
        case "hold": {
          if (outcome.documentIds) {
            await job.updateProgress({
              documentIds: outcome.documentIds,
              partsSent: outcome.documentIds.length,
            });
          }
          await outcome.release;
          return {
            documentIds: outcome.documentIds ?? [],
            parts: 1,
            segments: 1,
            encoding: "GSM-7",
            sentAt: new Date().toISOString(),
          };
        }
      }
    },
    { connection, prefix, settings: { backoffStrategy: () => 60_000 } },
  );
  worker.on("error", () => {});
  return {
    worker,
    close: async () => {
      await worker.close(true);
      await deadLetters.close();
    },
  };
}
