import {
  normalizeMobileNumber,
  planMessage,
  toGsmEquivalents,
  validateSender,
} from "@sms-relay/sms";
import { z } from "zod";
import { SmsValidationError } from "./errors.js";
import { SMS_JOB_DEFAULTS, smsJobId } from "./job-options.js";
import {
  type SmsEncoding,
  type SmsJobData,
  smsContentSchema,
  smsJobDataSchema,
} from "./job-schemas.js";
import type { ResolvedProducerOptions } from "./producer-options.js";
import { isWellFormedText } from "./text-checks.js";

/** One SMS to enqueue. */
export interface SendSmsInput {
  /** Dutch mobile number in any usual notation (`06 12345678`, `+31 (0)6-…`, `0031…`, `097…`). */
  to: string;
  /**
   * The text. Never empty; at most `maxSegments` segments once split; at least one visible
   * character (not only whitespace, U+200B, U+FEFF or other invisible characters); no control
   * characters but line feed and carriage return (so no NUL, and no tab: use spaces); no lone
   * surrogates.
   */
  content: string;
  /**
   * Sender name or short code (at most 11 characters).
   * @default the producer's `defaultSender`
   */
  sender?: string;
  /**
   * 1 to 200 characters of well-formed UTF-16 (no lone surrogates, which would make two keys one).
   * Sends with the same key enqueue one job for as long as the first job is kept (the worker's
   * `SMS_KEEP_COMPLETED_SECONDS`); later ones return its id, `deduplicated: true`. Keys are
   * compared as they are, code unit by code unit: no Unicode normalization, no trimming, no case
   * folding.
   */
  idempotencyKey?: string;
  /**
   * Wait this long before the message may be sent; at most one year ({@link MAX_DELAY_MS}).
   * @default 0
   */
  delayMs?: number;
  /**
   * BullMQ priority, 0 to 2 097 151: 0 goes first, then 1, 2, …
   * @default 0
   */
  priority?: number;
  /**
   * Seconds, 1 to 604 800 (a week), after which the SMS is never sent: a one-time code that comes
   * after a backlog is worse than none. The worker dead-letters it as `expired` without calling
   * the API, wherever it waited, and each request carries `expirein` (the whole seconds left) so
   * that the network stops trying too. Counted from the call, not from the end of `delayMs`.
   * Give this or `expiresAt`, not both.
   * @default no expiry
   */
  ttlSeconds?: number;
  /** The moment after which the SMS is never sent (see `ttlSeconds`), at most a week ahead. */
  expiresAt?: Date | string;
  /**
   * Where status events of this SMS are POSTed (`sent`, `dead`, `delivery`), signed with the
   * worker's `SMS_CALLBACK_SECRET`; check them with `verifyCallback`.
   * @default the producer's `defaultCallbackUrl`, else none
   */
  callbackUrl?: string;
}

/** What `send` tells the caller about an accepted SMS. */
export interface SendSmsReceipt {
  /** Job id; pass it to `status()`. */
  id: string;
  /** The normalized recipient (`+316…`). */
  to: string;
  /** Messages the content is sent as (each up to the account's `maxContentLength`). */
  parts: number;
  /** SMS segments that will be billed over all parts. */
  segments: number;
  encoding: SmsEncoding;
  /** `true` when an earlier send with the same `idempotencyKey` already enqueued this SMS. */
  deduplicated: boolean;
}

/** An input that passed validation: the job to add and the receipt to return. */
export interface PreparedSend {
  jobId: string;
  data: SmsJobData;
  options: { jobId: string; delay: number; priority: number } & typeof SMS_JOB_DEFAULTS;
  receipt: Omit<SendSmsReceipt, "deduplicated">;
}

/** No SMS segment holds more than 160 characters (GSM-7 alone), whatever the encoding. */
const MAX_CHARACTERS_PER_SEGMENT = 160;

/** Largest priority BullMQ accepts. */
export const MAX_PRIORITY = 2_097_151;

/** Longest `delayMs`: one year (365 days). Anything longer is a unit mistake, not a plan. */
export const MAX_DELAY_MS = 365 * 24 * 60 * 60 * 1000;

/** Longest `ttlSeconds`, and how far ahead `expiresAt` may lie: a week. */
export const MAX_TTL_SECONDS = 604_800;

const inputSchema = z.object({
  to: z.string({ error: "must be a string" }),
  content: z.string({ error: "must be a string" }).pipe(smsContentSchema),
  sender: z.string({ error: "must be a string" }).optional(),
  idempotencyKey: z
    .string({ error: "must be a string" })
    .min(1, "must be 1 to 200 characters")
    .max(200, "must be 1 to 200 characters")
    .refine(isWellFormedText, "must be well-formed UTF-16 text (it holds a lone surrogate)")
    .optional(),
  delayMs: z
    .number({ error: "must be a number" })
    .int("must be a whole number of milliseconds")
    .min(0, "must not be negative")
    .max(MAX_DELAY_MS, `must be at most ${MAX_DELAY_MS} (one year)`)
    .optional(),
  priority: z
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(0, `must be 0 to ${MAX_PRIORITY}`)
    .max(MAX_PRIORITY, `must be 0 to ${MAX_PRIORITY}`)
    .optional(),
  ttlSeconds: z
    .number({ error: "must be a number" })
    .int("must be a whole number of seconds")
    .min(1, `must be 1 to ${MAX_TTL_SECONDS}`)
    .max(MAX_TTL_SECONDS, `must be 1 to ${MAX_TTL_SECONDS} (a week)`)
    .optional(),
  expiresAt: z
    .union([z.date(), z.string()], { error: "must be a Date or an ISO date-time string" })
    .optional(),
  callbackUrl: z.string({ error: "must be a string" }).optional(),
});

/** When the SMS expires, in epoch ms, from `ttlSeconds` or `expiresAt`; issues go to `issues`. */
function expiryOf(
  fields: {
    ttlSeconds?: number | undefined;
    expiresAt?: Date | string | undefined;
    delayMs?: number | undefined;
  },
  now: number,
  issues: Issue[],
): number | undefined {
  if (fields.ttlSeconds !== undefined && fields.expiresAt !== undefined) {
    issues.push(customIssue("expiresAt", "give ttlSeconds or expiresAt, not both"));
    return undefined;
  }
  let at: number | undefined;
  if (fields.ttlSeconds !== undefined) at = now + fields.ttlSeconds * 1000;
  if (fields.expiresAt !== undefined) {
    const raw = fields.expiresAt;
    at = raw instanceof Date ? raw.getTime() : isoInstant(raw);
    if (at === undefined || Number.isNaN(at)) {
      issues.push(customIssue("expiresAt", "must be a valid date (an ISO date-time with offset)"));
      return undefined;
    }
    if (at <= now) {
      issues.push(customIssue("expiresAt", "must be in the future"));
      return undefined;
    }
    if (at > now + MAX_TTL_SECONDS * 1000) {
      issues.push(customIssue("expiresAt", "must be at most a week ahead"));
      return undefined;
    }
  }
  if (at !== undefined && fields.delayMs !== undefined && now + fields.delayMs >= at) {
    issues.push(customIssue("delayMs", "must end before the SMS expires (ttlSeconds / expiresAt)"));
    return undefined;
  }
  return at;
}

function isoInstant(value: string): number | undefined {
  return z.iso.datetime({ offset: true }).safeParse(value).success ? Date.parse(value) : undefined;
}

type Issue = z.core.$ZodIssue;

/**
 * The reason `@sms-relay/sms` gives (it never quotes a number or content), or `fallback`.
 * Its sentences name their subject ("sender must …"); an issue's path names the field already,
 * so a leading `subject` is left out ("sender: must …", not "sender: sender must …").
 */
function reasonOf(error: unknown, fallback: string, subject?: string): string {
  const message = error instanceof Error && error.message ? error.message : fallback;
  return subject !== undefined && message.startsWith(`${subject} `)
    ? message.slice(subject.length + 1)
    : message;
}

/** Issues carry no input: numbers and content do not belong in error logs. */
function customIssue(path: string, message: string): Issue {
  return { code: "custom", path: [path], message };
}

/**
 * Validates one input against the producer's options and builds the job for it.
 * Throws {@link SmsValidationError} listing every bad field; nothing is enqueued then.
 */
export function prepareSend(input: SendSmsInput, options: ResolvedProducerOptions): PreparedSend {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new SmsValidationError([
      { code: "custom", path: [], message: "expected an object with `to` and `content`" },
    ]);
  }
  const parsed = inputSchema.safeParse(input);
  const issues: Issue[] = parsed.success ? [] : [...parsed.error.issues];
  const fields = parsed.success ? parsed.data : undefined;

  let to: string | undefined;
  if (typeof input.to === "string") {
    try {
      to = normalizeMobileNumber(input.to);
    } catch (error) {
      issues.push(customIssue("to", reasonOf(error, "not a Dutch mobile number (06… or 097…)")));
    }
  }

  const senderInput = typeof input.sender === "string" ? input.sender : options.defaultSender;
  let sender: string | undefined;
  if (input.sender === undefined || typeof input.sender === "string") {
    try {
      sender = validateSender(senderInput);
    } catch (error) {
      issues.push(
        customIssue("sender", reasonOf(error, "must have 1 to 11 GSM characters", "sender")),
      );
    }
  }

  let content: string | undefined;
  let plan: ReturnType<typeof planMessage> | undefined;
  const longest = options.maxSegments * MAX_CHARACTERS_PER_SEGMENT;
  if (typeof input.content === "string" && input.content.length > longest) {
    // Certainly too long: no need to plan megabytes of text to say so.
    issues.push(
      customIssue(
        "content",
        `too long: ${input.content.length} characters is more than ${options.maxSegments} SMS segments`,
      ),
    );
  } else if (typeof input.content === "string" && input.content.length > 0) {
    content = options.smartEncoding ? toGsmEquivalents(input.content) : input.content;
    plan = planMessage(content, options.maxContentLength);
    if (plan.segments > options.maxSegments) {
      issues.push(
        customIssue(
          "content",
          `too long: ${plan.segments} SMS segments (${plan.encoding}), at most ${options.maxSegments} allowed`,
        ),
      );
    }
  }

  const now = Date.now();
  const expiresAt = fields ? expiryOf(fields, now, issues) : undefined;
  const callbackUrl = fields?.callbackUrl ?? options.defaultCallbackUrl;

  if (
    issues.length > 0 ||
    !fields ||
    to === undefined ||
    sender === undefined ||
    !content ||
    !plan
  ) {
    throw new SmsValidationError(issues);
  }

  const data: SmsJobData = {
    v: 1,
    to,
    content,
    sender,
    createdAt: new Date(now).toISOString(),
    ...(fields.idempotencyKey !== undefined ? { idempotencyKey: fields.idempotencyKey } : {}),
    ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
    ...(callbackUrl !== undefined ? { callbackUrl } : {}),
  };
  // The worker validates again on receive; checking here keeps a bad job from ever being added.
  const checked = smsJobDataSchema.safeParse(data);
  if (!checked.success) throw new SmsValidationError(checked.error.issues);

  const jobId = smsJobId(fields.idempotencyKey);
  return {
    jobId,
    data: checked.data,
    options: {
      ...SMS_JOB_DEFAULTS,
      jobId,
      delay: fields.delayMs ?? 0,
      priority: fields.priority ?? 0,
    },
    receipt: {
      id: jobId,
      to,
      parts: plan.parts.length,
      segments: plan.segments,
      encoding: plan.encoding,
    },
  };
}
