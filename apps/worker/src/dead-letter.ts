import { DEAD_LETTER_JOB_NAME, type DeadLetterJobData } from "@sms-relay/producer";
import type { Queue } from "bullmq";

/** Why an SMS will not be sent: the `reason` of a dead-letter record. */
export type DeadLetterReason = DeadLetterJobData["reason"];

/** What the worker knows when it gives up on an SMS job. */
export interface DeadLetterInput {
  /** Id of the `sms` job; also the id of the dead-letter job, which makes adding idempotent. */
  jobId: string;
  /** The job data as it came, even when it failed validation. */
  message: unknown;
  reason: DeadLetterReason;
  error: { message: string; status?: number; code?: string; body?: string };
  /** Attempts including the failing one (a first-try rejection shows 1). */
  attemptsMade: number;
  /** Parts the API already accepted before the failure. */
  documentIds: string[];
  failedAt?: Date;
}

/** Adds dead-letter records; returns false when the record was already there. */
export type DeadLetterWriter = (input: DeadLetterInput) => Promise<boolean>;

/** Builds the record stored in `sms-dead-letter`, in the shape of the public contract. */
export function toDeadLetterJobData(input: DeadLetterInput): DeadLetterJobData {
  const error: DeadLetterJobData["error"] = { message: input.error.message };
  if (input.error.status !== undefined) error.status = input.error.status;
  if (input.error.code !== undefined) error.code = input.error.code;
  if (input.error.body !== undefined) error.body = input.error.body;
  return {
    v: 1,
    jobId: input.jobId,
    message: input.message as DeadLetterJobData["message"],
    reason: input.reason,
    error,
    attemptsMade: input.attemptsMade,
    documentIds: input.documentIds,
    failedAt: (input.failedAt ?? new Date()).toISOString(),
  };
}

/**
 * A writer to the dead-letter queue. The dead-letter job id is the SMS job id, so a record
 * written by the processor and again by the `failed` fallback is stored once.
 */
export function createDeadLetterWriter(queue: Queue): DeadLetterWriter {
  return async (input) => {
    const existing = await queue.getJob(input.jobId);
    if (existing) return false;
    await queue.add(DEAD_LETTER_JOB_NAME, toDeadLetterJobData(input), {
      jobId: input.jobId,
      // Records wait for a person to redrive or purge them; no worker ever takes them.
      removeOnComplete: false,
      removeOnFail: false,
    });
    return true;
  };
}
