import type { JobsOptions } from "bullmq";
import type { SmsCallbackEvent } from "./callback-signature.js";
import { CALLBACK_JOB_NAME } from "./queue-names.js";

/** Data of a job on the `sms-callback` queue. */
export interface CallbackJobData {
  v: 1;
  /** The SMS's `callbackUrl`. */
  url: string;
  /** The same on every retry of one event. */
  eventId: string;
  event: SmsCallbackEvent;
}

/**
 * Attempts of one event: with the worker's `callback` backoff from 5 s, the last one comes after
 * more than 24 hours.
 */
export const CALLBACK_ATTEMPTS = 40;

/** BullMQ backoff type of callback jobs; the worker that sends them defines it. */
export const CALLBACK_BACKOFF_TYPE = "callback";

/**
 * The id of one event, the same whoever enqueues it and however often: `<id>-sent`,
 * `<id>-dead`, or `<id>-delivery-<state>` (one per delivery state an SMS reaches).
 */
export function callbackEventId(event: SmsCallbackEvent): string {
  return event.event === "delivery"
    ? `${event.id}-delivery-${event.delivery.state}`
    : `${event.id}-${event.event}`;
}

/** A callback job ready for `queue.add` / `queue.addBulk`. */
export interface CallbackJob {
  name: typeof CALLBACK_JOB_NAME;
  data: CallbackJobData;
  opts: JobsOptions;
}

/**
 * The `sms-callback` job of one event. Its job id is the event id, so adding the same event again
 * (a re-run of an SMS, a delivery report heard twice) adds nothing while the first job is kept.
 *
 * @param keepSeconds how long the finished job is kept (the SMS's retention)
 */
export function callbackJob(
  url: string,
  event: SmsCallbackEvent,
  keepSeconds: number,
): CallbackJob {
  const eventId = callbackEventId(event);
  const keep = Math.max(1, Math.round(keepSeconds));
  return {
    name: CALLBACK_JOB_NAME,
    data: { v: 1, url, eventId, event },
    opts: {
      jobId: eventId,
      attempts: CALLBACK_ATTEMPTS,
      backoff: { type: CALLBACK_BACKOFF_TYPE },
      removeOnComplete: { age: keep },
      removeOnFail: { age: keep },
    },
  };
}
