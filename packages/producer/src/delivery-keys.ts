import { randomBytes } from "node:crypto";

/** The Redis keys of delivery reports under one BullMQ prefix; see {@link deliveryKeys}. */
export interface DeliveryKeys {
  /**
   * Hash written by the worker before a send: field = recipient in E.164, value = the `sms` job
   * id; the field `sentAt` (epoch ms), when present, times the path from send to final report;
   * `cb:<job id>` holds the `callbackUrl` of an SMS that asked for status callbacks; with traces
   * on, `tp` and `tp:<job id>` hold the `traceparent` of the request's and each job's span. The
   * receipts app adds one `seen:…` field per report it recorded (see `deliveryReportMark`), its
   * de-duplication mark, which so expires with the reference; for a reference the worker never
   * wrote (or that expired), it creates the hash with only those marks and the default TTL.
   */
  reference(reference: string): string;
  /** Hash of one SMS's delivery state (`state`, `code`, `reportedAt`, one `part:…` per part). */
  state(jobId: string): string;
  /** Capped list of reports that matched no SMS, newest first, as JSON. */
  unmatched: string;
}

/** Most entries kept in the unmatched list; older ones are trimmed. @default 10000 */
export const DELIVERY_UNMATCHED_LIMIT = 10_000;

/**
 * The delivery-report keys under a BullMQ prefix. They sit beside the queue's keys
 * (`<prefix>:sms:dlr:…`), so with a hash-tagged prefix (`{sms}`) they share the queue's cluster
 * slot and one script may touch all of them.
 *
 * @example
 * deliveryKeys("bull").state("a1b2"); // "bull:sms:dlr:state:a1b2"
 */
export function deliveryKeys(prefix: string): DeliveryKeys {
  const base = `${prefix}:sms:dlr:`;
  return {
    reference: (reference) => `${base}ref:${reference}`,
    state: (jobId) => `${base}state:${jobId}`,
    unmatched: `${base}unmatched`,
  };
}

/** Length of a delivery reference: 16 random bytes in base64url. */
export const DELIVERY_REFERENCE_LENGTH = 22;

/**
 * A fresh, unguessable reference for one KPN request: the last path segment of its
 * `webhook_url`. 16 random bytes as base64url (22 characters, URL-safe, no padding).
 */
export function newDeliveryReference(): string {
  return randomBytes(16).toString("base64url");
}

/** Answers whether a string has the shape {@link newDeliveryReference} gives. */
export function isDeliveryReference(value: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(value);
}
