import { DEFAULT_PREFIX } from "./queue-names.js";

/** The shape of {@link PRODUCER_DEFAULTS}; each field is documented there. */
export interface SmsRelayDefaults {
  prefix: string;
  defaultSender: string;
  maxSegments: number;
  maxContentLength: number;
  smartEncoding: boolean;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  backoffMs: number;
  backoffMaxMs: number;
  maxAttempts: number;
  keepCompletedSeconds: number;
  kpnBaseUrl: string;
  kpnSendPath: string;
}

/**
 * Every default of sms-relay, written once: the producer's options fall back to these, and the
 * worker, the CLI, the dashboard and the local stack read the same values for their variables, so
 * the two ends of the queue cannot drift apart. Frozen: an app that needs another value sets the
 * option or the variable, it never changes this object.
 *
 * @example
 * import { PRODUCER_DEFAULTS } from "@sms-relay/producer";
 * const backoffMs = Number(process.env.SMS_BACKOFF_MS ?? PRODUCER_DEFAULTS.backoffMs);
 */
export const PRODUCER_DEFAULTS = Object.freeze({
  /**
   * BullMQ key prefix (`SMS_QUEUE_PREFIX`; producer option `prefix`).
   * @default "bull"
   */
  prefix: DEFAULT_PREFIX,
  /**
   * Sender when a send or a job names none (`SMS_DEFAULT_SENDER`; producer option `defaultSender`).
   * @default "SMSRelay"
   */
  defaultSender: "SMSRelay",
  /**
   * Most SMS segments one message may be billed as (`SMS_MAX_SEGMENTS`; producer option
   * `maxSegments`): the producer rejects longer content, the worker dead-letters it as `invalid`.
   * @default 10
   */
  maxSegments: 10,
  /**
   * Content limit of one message on the KPN account, in UTF-16 code units, past which content is
   * split into parts (`KPN_MAX_CONTENT_LENGTH`; producer option `maxContentLength`).
   * @default 1000
   */
  maxContentLength: 1000,
  /**
   * Replace characters that force UCS-2 by GSM-7 look-alikes (producer option `smartEncoding`).
   * @default false
   */
  smartEncoding: false,
  /**
   * Connect timeout of Redis connections, and how long a call waits for the first connection
   * (producer option `connectTimeoutMs`).
   * @default 5000
   */
  connectTimeoutMs: 5_000,
  /**
   * Longest one Redis step of a producer or dead-letter call may take before it fails with
   * `SMS_QUEUE_UNAVAILABLE` (producer option `operationTimeoutMs`).
   * @default 5000
   */
  operationTimeoutMs: 5_000,
  /**
   * Delay ceiling of the first retry, doubled for each later one, with jitter (`SMS_BACKOFF_MS`).
   * @default 2000
   */
  backoffMs: 2_000,
  /**
   * Cap of any retry delay (`SMS_BACKOFF_MAX_MS`).
   * @default 600000
   */
  backoffMaxMs: 600_000,
  /**
   * Attempts before an SMS is dead-lettered as `exhausted` (`SMS_MAX_ATTEMPTS`).
   * @default 10
   */
  maxAttempts: 10,
  /**
   * How long sent SMS are kept, which is also the idempotency window
   * (`SMS_KEEP_COMPLETED_SECONDS`).
   * @default 604800 (7 days)
   */
  keepCompletedSeconds: 604_800,
  /**
   * Base URL of the KPN API (`KPN_BASE_URL`).
   * @default "https://api-prd.kpn.com"
   */
  kpnBaseUrl: "https://api-prd.kpn.com",
  /**
   * Send path of the KPN API (`KPN_SEND_PATH`); the legacy API uses `/messaging/sms-kpn/v1/send`.
   * @default "/communication/kpn/sms/send"
   */
  kpnSendPath: "/communication/kpn/sms/send",
} as const satisfies SmsRelayDefaults);

/** The documented environment fallbacks, read when a producer is built. */
export interface EnvFallbacks {
  /** `SMS_DEFAULT_SENDER`: sender when neither the send nor the options name one. */
  SMS_DEFAULT_SENDER?: string;
  /** `KPN_MAX_CONTENT_LENGTH`: per-message content limit of the KPN account. */
  KPN_MAX_CONTENT_LENGTH?: string;
  /** `SMS_KEEP_COMPLETED_SECONDS`: how long the worker keeps sent SMS (the number index's retention). */
  SMS_KEEP_COMPLETED_SECONDS?: string;
}

/**
 * The only place this package reads `process.env`: a backend app that runs next to the worker
 * then counts parts and picks the sender the same way the worker does, without repeating them.
 * Empty values count as unset.
 */
export function readEnvFallbacks(): EnvFallbacks {
  const sender = process.env.SMS_DEFAULT_SENDER;
  const maxLength = process.env.KPN_MAX_CONTENT_LENGTH;
  const keep = process.env.SMS_KEEP_COMPLETED_SECONDS;
  return {
    ...(sender ? { SMS_DEFAULT_SENDER: sender } : {}),
    ...(maxLength ? { KPN_MAX_CONTENT_LENGTH: maxLength } : {}),
    ...(keep ? { SMS_KEEP_COMPLETED_SECONDS: keep } : {}),
  };
}
