import { DEFAULT_PREFIX } from "./queue-names.js";

/** Defaults of {@link SmsProducerOptions} when neither the option nor its variable is set. */
export const PRODUCER_DEFAULTS = {
  prefix: DEFAULT_PREFIX,
  defaultSender: "SMSRelay",
  maxSegments: 10,
  maxContentLength: 1000,
  smartEncoding: false,
  connectTimeoutMs: 5_000,
} as const satisfies {
  prefix: string;
  defaultSender: string;
  maxSegments: number;
  maxContentLength: number;
  smartEncoding: boolean;
  connectTimeoutMs: number;
};

/** The two documented environment fallbacks, read when a producer is built. */
export interface EnvFallbacks {
  /** `SMS_DEFAULT_SENDER`: sender when neither the send nor the options name one. */
  SMS_DEFAULT_SENDER?: string;
  /** `KPN_MAX_CONTENT_LENGTH`: per-message content limit of the KPN account. */
  KPN_MAX_CONTENT_LENGTH?: string;
}

/**
 * The only place this package reads `process.env`: a backend app that runs next to the worker
 * then counts parts and picks the sender the same way the worker does, without repeating them.
 * Empty values count as unset.
 */
export function readEnvFallbacks(): EnvFallbacks {
  const sender = process.env.SMS_DEFAULT_SENDER;
  const maxLength = process.env.KPN_MAX_CONTENT_LENGTH;
  return {
    ...(sender ? { SMS_DEFAULT_SENDER: sender } : {}),
    ...(maxLength ? { KPN_MAX_CONTENT_LENGTH: maxLength } : {}),
  };
}
