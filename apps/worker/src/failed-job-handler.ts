import { smsJobDataSchema, smsJobProgressSchema } from "@sms-relay/producer";
import type { Job } from "bullmq";
import type { Logger } from "pino";
import type { DeadLetterAction } from "./dead-letter.js";

/** Options of {@link createFailedJobHandler}. */
export interface FailedJobHandlerOptions {
  deadLetter: DeadLetterAction;
  logger: Logger;
}

function isFinalFailure(job: Job, error: Error): boolean {
  if (error.name === "UnrecoverableError") return true;
  if (job.finishedOn !== undefined) return true;
  return job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * The `failed` listener: a safety net for jobs that failed for good without the processor's
 * decision (stalled too often, jobs added by someone else with fewer attempts). Adds the
 * dead-letter record when it is missing; the processor's own records are left as they are.
 */
export function createFailedJobHandler(options: FailedJobHandlerOptions) {
  const { deadLetter, logger } = options;
  return (job: Job | undefined, error: Error): void => {
    if (!job?.id) {
      logger.error(
        { err: { message: error.message } },
        "a job failed and was removed before it could be dead-lettered",
      );
      return;
    }
    if (!isFinalFailure(job, error)) return;
    const progress = smsJobProgressSchema.safeParse(job.progress);
    const jobId = job.id;
    // A record with reason rejected/exhausted must carry valid SMS data; anything else is invalid.
    const reason = smsJobDataSchema.safeParse(job.data).success ? "exhausted" : "invalid";
    deadLetter({
      jobId,
      message: job.data,
      reason,
      error: { message: error.message, code: "SMS_FAILED" },
      attemptsMade: Math.max(1, job.attemptsMade),
      documentIds: progress.success ? progress.data.documentIds : [],
    }).catch((writeError: unknown) => {
      logger.error(
        { jobId, err: { message: String(writeError) } },
        "could not dead-letter a failed job",
      );
    });
  };
}
