/**
 * Name of the queue that holds one job per SMS to one recipient.
 * Never changes without a migration: producers, workers and dashboards find each other by it.
 */
export const SMS_QUEUE = "sms";

/** Name of the queue that holds one job per SMS that will not be sent. No worker consumes it. */
export const DEAD_LETTER_QUEUE = "sms-dead-letter";

/** BullMQ job name of every job on {@link SMS_QUEUE}. */
export const SMS_JOB_NAME = "sms";

/** BullMQ job name of every job on {@link DEAD_LETTER_QUEUE}. */
export const DEAD_LETTER_JOB_NAME = "dead-letter";

/**
 * BullMQ key prefix used when none is given. On Redis Cluster use a hash tag such as `{sms}`
 * so that every key of a queue hashes to one slot.
 */
export const DEFAULT_PREFIX = "bull";

/** Name of the queue that holds one job per status event to POST to an SMS's `callbackUrl`. */
export const CALLBACK_QUEUE = "sms-callback";

/** BullMQ job name of every job on {@link CALLBACK_QUEUE}. */
export const CALLBACK_JOB_NAME = "callback";
