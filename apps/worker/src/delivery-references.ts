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

/** The reference of one request, its record on its way to Redis. */
export interface DeliveryReference {
  /** The request's `webhook_url`: `SMS_DLR_URL/<reference>`. */
  readonly webhookUrl: string;
  /**
   * Resolves once the record is in Redis. The first call returns the write issued by
   * `register`; a call after it failed writes the record again (the same fields).
   */
  write(): Promise<void>;
}

/** Trace contexts kept with a reference, so that the receipts app continues the traces. */
export interface DeliveryReferenceTraces {
  /** `traceparent` of the request's span: the field `tp`. */
  request?: string;
  /** `traceparent` of each SMS's job span, by job id: the fields `tp:<job id>`. */
  jobs: ReadonlyMap<string, string>;
}

/** Names each KPN request so that its delivery reports find their SMS. */
export interface DeliveryReferences {
  /**
   * Picks a fresh, unguessable reference for one request and issues the write of its record
   * (recipient → job id, the time it went out, and `cb:<job id>` → `callbackUrl` for SMS that
   * asked for status callbacks) at once, as one command. The caller sends the request right
   * after, without waiting for the write's answer (it is pipelined ahead of the request, not a
   * round trip of its own), and awaits `write()` afterwards. Reports cannot overtake it: KPN
   * sends them after it accepted the request, which the write already preceded.
   *
   * With `traces` (traces on) the record also holds the request's and each SMS's
   * `traceparent`; without, nothing more than before.
   *
   * @throws {DeliveryReferenceUnavailableError} when Redis is not connected, so that nothing is
   *   sent whose reports could not be matched
   */
  register(
    recipients: ReadonlyMap<string, string>,
    callbackUrls?: ReadonlyMap<string, string>,
    traces?: DeliveryReferenceTraces,
  ): DeliveryReference;
}

/** Redis is not connected: the request is not sent (retried later), its reports could not match. */
export class DeliveryReferenceUnavailableError extends Error {
  override readonly name = "DeliveryReferenceUnavailableError";
  readonly code = "SMS_DLR_REFERENCE_UNAVAILABLE";
}

const COMMAND = "smsRelayRegisterDeliveryReference";

/** HSET of every field and the record's expiry, atomically, in one command. */
const REGISTER_LUA = `
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`;

type ScriptClient = (Redis | Cluster) & {
  [COMMAND]?: (key: string, ...args: string[]) => Promise<unknown>;
};

/** Delivery references in Redis, one hash per request (see `deliveryKeys`). */
export function createDeliveryReferences(options: DeliveryReferencesOptions): DeliveryReferences {
  const keys = deliveryKeys(options.prefix);
  const base = options.baseUrl.replace(/\/+$/, "");
  const redis = options.redis as ScriptClient;
  if (typeof redis[COMMAND] !== "function") {
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: REGISTER_LUA });
  }
  const ttl = String(Math.max(1, Math.round(options.ttlSeconds)));
  return {
    register(recipients, callbackUrls, traces) {
      if (redis.status !== "ready") {
        throw new DeliveryReferenceUnavailableError(
          `Redis is not connected (${redis.status}): the delivery reference cannot be recorded`,
        );
      }
      const reference = newDeliveryReference();
      const key = keys.reference(reference);
      const args: string[] = [ttl, "sentAt", String(Date.now())];
      for (const [to, jobId] of recipients) args.push(to, jobId);
      for (const [jobId, url] of callbackUrls ?? []) args.push(`cb:${jobId}`, url);
      if (traces?.request) args.push("tp", traces.request);
      for (const [jobId, traceparent] of traces?.jobs ?? []) args.push(`tp:${jobId}`, traceparent);
      const send = () => redis[COMMAND]!(key, ...args).then(() => undefined);
      let first: Promise<void> | undefined = send();
      // Awaited by the caller through write(); until then a rejection is not unhandled.
      first.catch(() => {});
      return {
        webhookUrl: `${base}/${reference}`,
        write() {
          const pending = first ?? send();
          first = undefined;
          return pending;
        },
      };
    },
  };
}
