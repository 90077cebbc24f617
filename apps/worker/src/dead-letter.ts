import { DEAD_LETTER_JOB_NAME, type DeadLetterJobData } from "@sms-relay/producer";
import { maskMobileNumber } from "@sms-relay/sms";
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import type { WorkerMetrics } from "./metrics.js";

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

/**
 * Strings of an `invalid` message longer than this are cut in its record (their length is kept
 * under `truncated`): a foreign job with 10 MB of content must not be copied whole.
 */
export const MAX_INVALID_FIELD_LENGTH = 1000;

/** The message of an `invalid` record: long strings cut, their lengths under `truncated`. */
function boundedMessage(message: unknown): unknown {
  if (typeof message === "string") {
    return message.length > MAX_INVALID_FIELD_LENGTH
      ? { value: message.slice(0, MAX_INVALID_FIELD_LENGTH), truncated: { value: message.length } }
      : { value: message };
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    return { value: JSON.stringify(message)?.slice(0, MAX_INVALID_FIELD_LENGTH) ?? null };
  }
  const bounded: Record<string, unknown> = {};
  const truncated: Record<string, number> = {};
  for (const [key, value] of Object.entries(message)) {
    if (typeof value === "string" && value.length > MAX_INVALID_FIELD_LENGTH) {
      bounded[key] = value.slice(0, MAX_INVALID_FIELD_LENGTH);
      truncated[key] = value.length;
    } else {
      bounded[key] = value;
    }
  }
  if (Object.keys(truncated).length > 0) bounded.truncated = truncated;
  return bounded;
}

/** Builds the record stored in `sms-dead-letter`, in the shape of the public contract. */
export function toDeadLetterJobData(input: DeadLetterInput): DeadLetterJobData {
  const error: DeadLetterJobData["error"] = { message: input.error.message };
  if (input.error.status !== undefined) error.status = input.error.status;
  if (input.error.code !== undefined) error.code = input.error.code;
  if (input.error.body !== undefined) error.body = input.error.body;
  const message = input.reason === "invalid" ? boundedMessage(input.message) : input.message;
  return {
    v: 1,
    jobId: input.jobId,
    message: message as DeadLetterJobData["message"],
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

/** Options of {@link createDeadLetterAction}. */
export interface DeadLetterActionOptions {
  write: DeadLetterWriter;
  logger: Logger;
  metrics?: WorkerMetrics | undefined;
  /** Told about each new record (status callbacks). @default none */
  onAdded?: (input: DeadLetterInput) => Promise<void>;
}

/** Gives up on an SMS: writes its record, counts it and logs one line. Returns whether it was new. */
export type DeadLetterAction = (input: DeadLetterInput) => Promise<boolean>;

function maskedRecipient(message: unknown): string | undefined {
  const to = (message as { to?: unknown } | null)?.to;
  return typeof to === "string" && to.length <= 32 ? maskMobileNumber(to) : undefined;
}

/**
 * The one way every path of the worker gives up on an SMS (the processor's refusals, exhausted
 * retries, invalid job data, the `failed` fallback), so that each is recorded, counted and
 * logged the same way. A record that was there already is neither counted nor logged again.
 */
export function createDeadLetterAction(options: DeadLetterActionOptions): DeadLetterAction {
  const { write, logger, metrics } = options;
  return async (input) => {
    const added = await write(input);
    if (!added) return false;
    metrics?.failed.inc({ reason: input.reason });
    metrics?.deadLettered.inc({ reason: input.reason });
    logger.warn(
      {
        jobId: input.jobId,
        to: maskedRecipient(input.message),
        reason: input.reason,
        code: input.error.code,
        status: input.error.status,
        error: input.error.message.slice(0, 500),
        attemptsMade: input.attemptsMade,
        documentIds: input.documentIds,
      },
      "sms dead-lettered",
    );
    await options.onAdded?.(input);
    return true;
  };
}
