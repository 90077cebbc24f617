import {
  type BullJobState,
  type DeadLetterEntry,
  type DeadLetterQueue,
  type DeadLetterReason,
  findSmsIdsByNumber,
  NUMBER_INDEX_DEFAULT_LIMIT,
  type SmsStatus,
  smsJobId,
  smsJobResultSchema,
  toSmsStatus,
} from "@sms-relay/producer";
import { normalizeMobileNumber, planMessage } from "@sms-relay/sms";
import type { Job, Queue } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import { maskNumber, maskNumbersInText } from "./mask-phone-numbers.js";

/** What the lookups read from. None of it is closed here. */
export interface SmsLookupDeps {
  /** The `sms` queue. */
  sms: Queue;
  /** The dead-letter records. */
  deadLetters: DeadLetterQueue;
  /** The Redis client of the queues, for the number index. */
  redis: () => Promise<Redis | Cluster>;
  /** BullMQ prefix of the queues. */
  prefix: string;
  /** Content limit of one message (`KPN_MAX_CONTENT_LENGTH`), to plan the parts of unsent SMS. */
  maxContentLength: number;
}

/** How many messages an SMS is (or will be) sent as. */
export interface SmsParts {
  count: number;
  segments: number;
  encoding: "GSM-7" | "UCS-2";
  /** `true` until the worker sent it: counted from the content, at `maxContentLength`. */
  planned: boolean;
}

/** The dead-letter record of an SMS, masked. */
export interface SmsDeadLetter {
  reason: DeadLetterReason | string;
  error: { message?: string; status?: number; code?: string };
  attemptsMade?: number;
  failedAt?: string;
  documentIds: string[];
  /** When the record was added (ISO). */
  addedAt: string;
}

/** Everything the dashboard shows of one SMS. Numbers are masked. */
export interface SmsDetails {
  id: string;
  /** As `status(id)` reports it, with `lastError` masked. */
  status: SmsStatus;
  /** Masked recipient, `+316****5678`. */
  to?: string;
  sender?: string;
  /** When it was queued (ISO). */
  createdAt?: string;
  /** When it became (or becomes) due, when that differs from `createdAt` (ISO). */
  dueAt?: string;
  parts?: SmsParts;
  deadLetter?: SmsDeadLetter;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function partsOf(job: Job | undefined, entry: DeadLetterEntry | undefined, maxLength: number) {
  const result = smsJobResultSchema.safeParse(job?.returnvalue);
  if (result.success) {
    const { parts, segments, encoding } = result.data;
    return { count: parts, segments, encoding, planned: false } satisfies SmsParts;
  }
  const content = text(record(job?.data).content) ?? text(record(entry?.data.message).content);
  if (!content) return undefined;
  const plan = planMessage(content, maxLength);
  const { segments, encoding } = plan;
  return { count: plan.parts.length, segments, encoding, planned: true } satisfies SmsParts;
}

function deadLetterOf(entry: DeadLetterEntry): SmsDeadLetter {
  const data = record(entry.data);
  const error = record(data.error);
  return {
    reason: String(data.reason ?? ""),
    error: {
      ...(text(error.message) ? { message: maskNumbersInText(String(error.message)) } : {}),
      ...(typeof error.status === "number" ? { status: error.status } : {}),
      ...(text(error.code) ? { code: String(error.code) } : {}),
    },
    ...(typeof data.attemptsMade === "number" ? { attemptsMade: data.attemptsMade } : {}),
    ...(text(data.failedAt) ? { failedAt: String(data.failedAt) } : {}),
    documentIds: Array.isArray(data.documentIds) ? data.documentIds.map(String) : [],
    addedAt: entry.addedAt,
  };
}

/**
 * Reads the SMS with these ids: job, state and dead-letter record of each read side by side,
 * the delivery states of all in one round trip. Ids that are neither an `sms` job nor a
 * dead-letter record (never existed, or past retention) are left out.
 */
export async function lookupSms(
  deps: SmsLookupDeps,
  ids: readonly string[],
): Promise<SmsDetails[]> {
  if (ids.length === 0) return [];
  const [states, jobs, entries, deliveries] = await Promise.all([
    Promise.all(ids.map((id) => deps.sms.getJobState(id) as Promise<BullJobState>)),
    Promise.all(ids.map((id) => deps.sms.getJob(id))),
    Promise.all(ids.map((id) => deps.deadLetters.get(id))),
    deps.deadLetters.deliveries([...ids]),
  ]);
  const found: SmsDetails[] = [];
  ids.forEach((id, index) => {
    const job = jobs[index] ?? undefined;
    const entry = entries[index];
    const status = toSmsStatus(id, job, job ? (states[index] ?? "unknown") : "unknown", entry);
    if (status.state === "unknown") return;
    const data = record(job?.data ?? entry?.data.message);
    const to = text(data.to);
    const createdAt = text(data.createdAt);
    const delay = typeof job?.opts.delay === "number" ? job.opts.delay : 0;
    const parts = partsOf(job, entry, deps.maxContentLength);
    found.push({
      id,
      status: {
        ...status,
        ...(status.lastError ? { lastError: maskNumbersInText(status.lastError) } : {}),
        delivery: deliveries[index] ?? { state: "unknown" },
      },
      ...(to ? { to: maskNumber(to) } : {}),
      ...(text(data.sender) ? { sender: String(data.sender) } : {}),
      ...(createdAt ? { createdAt } : {}),
      ...(job && delay > 0 ? { dueAt: new Date(job.timestamp + delay).toISOString() } : {}),
      ...(parts ? { parts } : {}),
      ...(entry ? { deadLetter: deadLetterOf(entry) } : {}),
    });
  });
  return found;
}

/** How a search matched: the text as a job id, as an idempotency key, or as a number. */
export type SearchMatch = "id" | "idempotencyKey" | "number";

/** What {@link searchSms} found. */
export interface SmsSearchResult {
  /** The text searched for, trimmed; a number in it is masked. */
  query: string;
  /** The number searched for, masked, when the text is a Dutch mobile number. */
  number?: string;
  /** Why the text was not searched as a number although it looks like one. */
  numberProblem?: string;
  /** How each result was found, in the order of `results`. */
  matches: SearchMatch[];
  /** Newest first for a number; an id match first. */
  results: SmsDetails[];
}

/** Longest text searched; longer is neither an id nor a number. */
export const MAX_QUERY_LENGTH = 200;

/**
 * Finds SMS by what an operator has at hand: the job id, the idempotency key it was sent with,
 * or the recipient's number in any Dutch spelling (through the producer's number index, so SMS
 * queued before the index existed are found by id only). At most `limit` by number.
 */
export async function searchSms(
  deps: SmsLookupDeps,
  rawQuery: string,
  limit = NUMBER_INDEX_DEFAULT_LIMIT,
): Promise<SmsSearchResult> {
  const query = rawQuery.trim().slice(0, MAX_QUERY_LENGTH);
  const shown = maskNumbersInText(query);
  if (query === "") return { query: "", matches: [], results: [] };
  const candidates: [string, SearchMatch][] = [];
  if (!/[\s:]/.test(query)) candidates.push([query, "id"]);
  try {
    candidates.push([smsJobId(query), "idempotencyKey"]);
  } catch {
    // Not well-formed text: no key could have been sent with it.
  }
  let number: string | undefined;
  let numberProblem: string | undefined;
  try {
    number = normalizeMobileNumber(query);
  } catch (error) {
    // Only worth saying when the text is mostly a number.
    if (/^[\d\s()+.\-/]{8,}$/.test(query)) numberProblem = (error as Error).message;
  }
  if (number) {
    const redis = await deps.redis();
    for (const id of await findSmsIdsByNumber(redis, deps.prefix, number, { limit })) {
      candidates.push([id, "number"]);
    }
  }
  const seen = new Set<string>();
  const unique = candidates.filter(([id]) => !seen.has(id) && seen.add(id));
  const details = await lookupSms(
    deps,
    unique.map(([id]) => id),
  );
  const matchOf = new Map(unique);
  return {
    query: shown,
    ...(number ? { number: maskNumber(number) } : {}),
    ...(numberProblem ? { numberProblem } : {}),
    matches: details.map((detail) => matchOf.get(detail.id) ?? "id"),
    results: details,
  };
}
