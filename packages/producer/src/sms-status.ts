import type { Job, JobState } from "bullmq";
import type { DeadLetterEntry } from "./dead-letter-queue.js";
import type { SmsDelivery } from "./delivery-state.js";
import { type DeadLetterReason, smsJobProgressSchema, smsJobResultSchema } from "./job-schemas.js";

/**
 * Where an SMS is:
 * - `waiting`: queued, not tried yet; `delayed`: queued with `delayMs`, not tried yet;
 * - `active`: a worker is sending it now; `retrying`: an attempt failed, another will come;
 * - `sent`: the API accepted every part; `dead`: it will not be sent (see the dead-letter queue);
 * - `unknown`: no such job (never existed, or past retention).
 */
export type SmsState = "waiting" | "delayed" | "active" | "retrying" | "sent" | "dead" | "unknown";

/** What {@link SmsProducer.status} reports. */
export interface SmsStatus {
  id: string;
  state: SmsState;
  /** `document_id`s of the parts the API accepted so far (all of them once `sent`). */
  documentIds: string[];
  /** Attempts finished so far (failed ones, and the successful one once `sent`). */
  attemptsMade: number;
  /** The last failure, while `retrying` or once `dead`. */
  lastError?: string;
  /** When it was sent (ISO), once `sent`. */
  sentAt?: string;
  /** Why it will not be sent, once `dead` (from its dead-letter record, while there is one). */
  deadReason?: DeadLetterReason;
  /**
   * What KPN's delivery reports said (with the worker's `SMS_DLR_URL` and the receipts app):
   * `unknown` until a report came; `pending`, then `delivered`, `failed` or `expired`.
   * A report can arrive a moment before the worker has marked the job `sent`, so `active` with
   * `delivered` is a state one may briefly read.
   */
  delivery: SmsDelivery;
}

/** An {@link SmsStatus} before its delivery state is read. */
export type SmsStatusWithoutDelivery = Omit<SmsStatus, "delivery">;

/** Job state as BullMQ reports it, plus "unknown" for a job that vanished meanwhile. */
export type BullJobState = JobState | "unknown";

function progressDocumentIds(job: Job): string[] | undefined {
  const progress = smsJobProgressSchema.safeParse(job.progress);
  return progress.success ? progress.data.documentIds : undefined;
}

function failedReason(job: Job): string | undefined {
  return job.failedReason ? job.failedReason : undefined;
}

/**
 * Maps an `sms` job (and its dead-letter record, when one was looked up) to an {@link SmsStatus}.
 * A completed job without a valid result was finished by the worker without sending (it
 * dead-lettered it), so it reads as `dead`, not `sent`.
 */
export function toSmsStatus(
  id: string,
  job: Job | undefined,
  state: BullJobState,
  deadLetter: DeadLetterEntry | undefined,
): SmsStatusWithoutDelivery {
  if (!job || state === "unknown") {
    if (!deadLetter) return { id, state: "unknown", documentIds: [], attemptsMade: 0 };
    return {
      id,
      state: "dead",
      documentIds: deadLetter.data.documentIds ?? [],
      attemptsMade: deadLetter.data.attemptsMade ?? 0,
      ...(deadLetter.data.error?.message ? { lastError: deadLetter.data.error.message } : {}),
      ...(deadLetter.data.reason ? { deadReason: deadLetter.data.reason } : {}),
    };
  }
  const attemptsMade = job.attemptsMade ?? 0;
  const documentIds = progressDocumentIds(job) ?? [];
  const lastError = failedReason(job);
  const base = { id, documentIds, attemptsMade, ...(lastError ? { lastError } : {}) };
  switch (state) {
    case "waiting":
    case "prioritized":
    case "waiting-children":
      return { ...base, state: attemptsMade > 0 ? "retrying" : "waiting" };
    case "delayed":
      return { ...base, state: attemptsMade > 0 ? "retrying" : "delayed" };
    case "active":
      return { ...base, state: "active" };
    case "completed": {
      const result = smsJobResultSchema.safeParse(job.returnvalue);
      if (result.success) {
        return {
          id,
          state: "sent",
          documentIds: result.data.documentIds,
          attemptsMade,
          sentAt: result.data.sentAt,
        };
      }
      return dead(base, deadLetter);
    }
    case "failed":
      return dead(base, deadLetter);
  }
}

function dead(
  base: Omit<SmsStatusWithoutDelivery, "state">,
  deadLetter: DeadLetterEntry | undefined,
): SmsStatusWithoutDelivery {
  const recorded = deadLetter?.data.documentIds;
  const lastError = base.lastError ?? deadLetter?.data.error?.message;
  return {
    ...base,
    state: "dead",
    documentIds: recorded && recorded.length > 0 ? recorded : base.documentIds,
    ...(lastError ? { lastError } : {}),
    ...(deadLetter?.data.reason ? { deadReason: deadLetter.data.reason } : {}),
  };
}
