import { deliveryKeys, newDeliveryReference } from "@sms-relay/producer";
import type { Cluster, Redis } from "ioredis";

/** Options of {@link createDeliveryReferences}. */
export interface DeliveryReferencesOptions {
  redis: Redis | Cluster;
  /** The BullMQ prefix (`SMS_QUEUE_PREFIX`): the records live beside the queue. */
  prefix: string;
  /** `SMS_DLR_URL`: where KPN reaches the receipts app, e.g. `https://sms.example/kpn/dlr`. */
  baseUrl: string;
  /** How long a record is kept (`SMS_KEEP_COMPLETED_SECONDS`, the job's retention). */
  ttlSeconds: number;
}

/** Names each KPN request so that its delivery reports find their SMS. */
export interface DeliveryReferences {
  /**
   * Records a fresh, unguessable reference for one request and the SMS it carries (recipient →
   * job id, and the time it went out), and returns the request's `webhook_url`. Written before
   * the send, since KPN's reports may not carry the `document_id`. `callbackUrls` (job id →
   * `callbackUrl`) lets the receipts app enqueue each SMS's `delivery` status callbacks.
   */
  register(
    recipients: ReadonlyMap<string, string>,
    callbackUrls?: ReadonlyMap<string, string>,
  ): Promise<string>;
}

/** Delivery references in Redis, one hash per request (see `deliveryKeys`). */
export function createDeliveryReferences(options: DeliveryReferencesOptions): DeliveryReferences {
  const keys = deliveryKeys(options.prefix);
  const base = options.baseUrl.replace(/\/+$/, "");
  return {
    async register(recipients, callbackUrls) {
      const reference = newDeliveryReference();
      const key = keys.reference(reference);
      const fields: string[] = ["sentAt", String(Date.now())];
      for (const [to, jobId] of recipients) fields.push(to, jobId);
      for (const [jobId, url] of callbackUrls ?? []) fields.push(`cb:${jobId}`, url);
      await options.redis
        .multi()
        .hset(key, ...fields)
        .expire(key, options.ttlSeconds)
        .exec()
        .then((results) => {
          const failed = results?.find(([error]) => error);
          if (failed?.[0]) throw failed[0];
        });
      return `${base}/${reference}`;
    },
  };
}
