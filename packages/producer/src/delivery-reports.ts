import { createHash } from "node:crypto";
import { maskMobileNumber } from "@sms-relay/sms";
import type { Cluster, Redis } from "ioredis";
import { PRODUCER_DEFAULTS } from "./defaults.js";
import { DELIVERY_UNMATCHED_LIMIT, deliveryKeys } from "./delivery-keys.js";
import { RECORD_DELIVERY_REPORTS_LUA } from "./delivery-script.js";
import {
  deliveryStateOfKpnStatus,
  type ReportedDeliveryState,
  type SmsDelivery,
  type SmsDeliveryState,
} from "./delivery-state.js";
import { SMS_QUEUE } from "./queue-names.js";

/** One KPN delivery report, its fields already read from whatever spelling KPN used. */
export interface DeliveryReport {
  /** Recipient in E.164 (`+31612345678`), as the worker wrote it in the reference hash. */
  recipient: string;
  /** KPN status code: 1 delivered, 2 queued, 3 accepted, 4 failed, 5 rejected, 6 expired. */
  status: number;
  /** `StatusDateTime` in epoch milliseconds. @default the time of recording */
  statusDateTime?: number;
  /** `DLRID`, KPN's id of the report. */
  dlrId?: string;
  /** `document_id` of the request, where the report carries one. */
  documentId?: string;
  /** `ErrorCode` (`"000"` when fine). */
  errorCode?: string;
}

/**
 * What an SMS's `delivery` status callback needs, given with an outcome when the SMS has a
 * `callbackUrl` (the worker wrote it beside the reference) and a delivery state.
 */
export interface DeliveryCallbackSource {
  /** The SMS's `callbackUrl`. */
  url: string;
  /** Its delivery state now (after this body). */
  delivery: SmsDelivery;
  /** The document ids the SMS has so far (its result, else its progress). */
  documentIds: string[];
  /** Whether the SMS's job ended without being sent in full (dead-lettered). */
  dead: boolean;
  /** How long the reference is kept, in seconds: the retention of the event's job. */
  keepSeconds: number;
}

/** What recording did with one report. */
export type DeliveryReportOutcome =
  /** The SMS's state took the report into account (it may not have changed). */
  | {
      result: "stored";
      jobId: string;
      state: SmsDeliveryState;
      becameFinal: boolean;
      /** Whether the SMS's combined state is another than before this report. */
      changed: boolean;
      sentAt?: number;
      callback?: DeliveryCallbackSource;
    }
  /** Matched an SMS, but a final state of its part outranks it (a late `pending`). */
  | {
      result: "unchanged";
      jobId: string;
      state: SmsDeliveryState;
      callback?: DeliveryCallbackSource;
    }
  /**
   * Seen before at this reference (same DLRID and status, or same recipient, status, time and
   * document; see {@link deliveryReportMark}). `callback` is there when the SMS has one, so that
   * a body retried after a failed enqueue can still enqueue it.
   */
  | { result: "duplicate"; jobId?: string; callback?: DeliveryCallbackSource }
  /** No SMS has this reference and recipient: kept in the unmatched list. */
  | { result: "unmatched" };

/** Options of {@link recordDeliveryReports}. */
export interface RecordDeliveryReportsOptions {
  /**
   * Expiry of the state keys when the reference hash has none (it normally carries the worker's
   * `SMS_KEEP_COMPLETED_SECONDS`, which is used then), and of a reference hash that the reports
   * of an unknown reference create for their de-duplication marks.
   * @default PRODUCER_DEFAULTS.keepCompletedSeconds (604800)
   */
  defaultTtlSeconds?: number;
  /** Most entries kept in the unmatched list. @default 10000 */
  unmatchedLimit?: number;
  /** Clock for reports without `statusDateTime`. @default Date.now */
  now?: () => number;
}

/** A report {@link recordDeliveryReports} cannot record; the message names the field. */
export class DeliveryReportError extends Error {
  override readonly name = "DeliveryReportError";
  /** Always `"SMS_DELIVERY_REPORT_INVALID"`. */
  readonly code = "SMS_DELIVERY_REPORT_INVALID";
  /** The field at fault, e.g. `status`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

const SCRIPT_SHA = createHash("sha1").update(RECORD_DELIVERY_REPORTS_LUA).digest("hex");

/**
 * Runs the recording script by its SHA, and sends it whole only when Redis does not have it
 * (after a restart or `SCRIPT FLUSH`, or on a cluster node not asked before). Cheaper per call
 * than ioredis' `defineCommand`, which copies the arguments and wraps the promise each time.
 */
function runRecordScript(
  redis: Redis | Cluster,
  key: string,
  args: readonly string[],
): Promise<unknown[]> {
  return (redis.evalsha(SCRIPT_SHA, 1, key, ...args) as Promise<unknown[]>).catch(
    (error: unknown) => {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(RECORD_DELIVERY_REPORTS_LUA, 1, key, ...args) as Promise<unknown[]>;
    },
  );
}

/** Values per report in the script's arguments and in its answer. */
const STRIDE = 7;
/** Longest mark kept as it is; a longer one (a long DLRID or document id) is hashed. */
const MARK_MAX_LENGTH = 64;

/**
 * The de-duplication mark of a report: a field of its reference hash (`seen:…`), so a mark is
 * only ever compared with the marks of the same reference. With a DLRID it is the DLRID and the
 * status: whether KPN gives each report its own DLRID or one per message is not documented, and
 * with the status a `delivered` that follows a `pending` under the same DLRID is still heard.
 * Without one, the document id (when given) keeps two parts' reports with the same status and
 * time apart. A mark longer than 64 characters is replaced by a SHA-256 of it, so that no field
 * grows with what KPN sends.
 *
 * @example
 * deliveryReportMark({ recipient: "+31612345678", status: 1, dlrId: "7f3c" }); // "seen:d1:7f3c"
 */
export function deliveryReportMark(report: DeliveryReport): string {
  // The status comes first and is one digit, so the first ':' ends it; the recipient (E.164)
  // and the time hold no ':', so the document id, last, cannot be mistaken for either.
  const mark =
    report.dlrId !== undefined && report.dlrId !== ""
      ? `seen:d${report.status}:${report.dlrId}`
      : `seen:r${report.status}:${report.recipient}:${report.statusDateTime ?? ""}:${report.documentId ?? ""}`;
  if (mark.length <= MARK_MAX_LENGTH) return mark;
  return `seen:h:${createHash("sha256").update(mark).digest("base64url")}`;
}

/** The report of one body that matched no SMS, as the unmatched list keeps it. */
function unmatchedEntry(reference: string, report: DeliveryReport, at: number, now: number) {
  return JSON.stringify({
    reference,
    recipient: maskMobileNumber(report.recipient),
    status: report.status,
    statusDateTime: new Date(at).toISOString(),
    dlrId: report.dlrId,
    documentId: report.documentId,
    errorCode: report.errorCode,
    receivedAt: new Date(now).toISOString(),
  });
}

/**
 * Records the delivery reports of one webhook body (all for one `reference`) in one script call:
 * each report not seen before is matched by reference + recipient to its SMS and folded into
 * that SMS's delivery state (see `combineDeliveryStates`; per part, a final state never goes back);
 * reports that match no SMS go to the unmatched list. A report is seen before when its reference
 * already holds its mark (see {@link deliveryReportMark}). When this resolves, every report is in
 * Redis; when it rejects (Redis away), nothing of the body may be assumed stored and the same
 * body can be recorded again safely. A body with a report that matches no SMS costs a second
 * call (the first one then writes nothing), since its unmatched entry is built only then.
 *
 * @throws {DeliveryReportError} for a status code that is not 1 to 6, before touching Redis.
 * @example
 * await recordDeliveryReports(redis, "bull", reference, [{ recipient: "+31612345678", status: 1 }]);
 */
export async function recordDeliveryReports(
  redis: Redis | Cluster,
  prefix: string,
  reference: string,
  reports: readonly DeliveryReport[],
  options: RecordDeliveryReportsOptions = {},
): Promise<DeliveryReportOutcome[]> {
  if (reports.length === 0) return [];
  const now = options.now ?? Date.now;
  const ttlMs = (options.defaultTtlSeconds ?? PRODUCER_DEFAULTS.keepCompletedSeconds) * 1000;
  const args: string[] = [
    `${prefix}:sms:dlr:`,
    `${prefix}:${SMS_QUEUE}:`,
    String(ttlMs),
    String(options.unmatchedLimit ?? DELIVERY_UNMATCHED_LIMIT),
    "",
  ];
  const times: number[] = [];
  for (let index = 0; index < reports.length; index++) {
    const report = reports[index]!;
    const state = stateOf(report, index);
    const at = report.statusDateTime ?? now();
    times.push(at);
    args.push(
      deliveryReportMark(report),
      report.recipient,
      state,
      `${reference}:${report.documentId ?? ""}`,
      report.errorCode ?? "",
      String(at),
      "",
    );
  }
  const key = deliveryKeys(prefix).reference(reference);
  let raw = await runRecordScript(redis, key, args);
  if (raw[0] === "entries") {
    const receivedAt = now();
    args[4] = "1";
    for (let index = 0; index < reports.length; index++) {
      args[5 + index * STRIDE + 6] = unmatchedEntry(
        reference,
        reports[index]!,
        times[index]!,
        receivedAt,
      );
    }
    raw = await runRecordScript(redis, key, args);
  }
  const usedTtlMs = Number(raw[0]);
  const keepSeconds = Number.isFinite(usedTtlMs) && usedTtlMs > 0 ? usedTtlMs / 1000 : ttlMs / 1000;
  const outcomes: DeliveryReportOutcome[] = [];
  for (let at = 1; at + STRIDE <= raw.length; at += STRIDE) {
    outcomes.push(outcomeOf(raw.slice(at, at + STRIDE) as ScriptRow, keepSeconds));
  }
  return outcomes;
}

/** What the script answers per report: outcome, jobId, state, sentAt, becameFinal, changed, callback. */
type ScriptRow = [string, string, string, string, number, number, string];

function outcomeOf(
  [result, jobId, state, sentAt, becameFinal, changed, callbackJson]: ScriptRow,
  keepSeconds: number,
): DeliveryReportOutcome {
  if (result === "unmatched") return { result };
  const callback = callbackSource(callbackJson, keepSeconds);
  let outcome: DeliveryReportOutcome;
  if (result === "duplicate") {
    outcome = { result };
    if (jobId) outcome.jobId = jobId;
  } else if (result === "unchanged") {
    outcome = { result, jobId, state: state as SmsDeliveryState };
  } else {
    outcome = {
      result: "stored",
      jobId,
      state: state as SmsDeliveryState,
      becameFinal: becameFinal === 1,
      changed: changed === 1,
    };
    const sentAtMs = Number(sentAt);
    if (sentAt !== "" && Number.isFinite(sentAtMs)) outcome.sentAt = sentAtMs;
  }
  if (callback !== undefined) outcome.callback = callback;
  return outcome;
}

interface RawCallback {
  url: string;
  state: string;
  code?: string;
  reportedAt?: string;
  progress?: string;
  returnvalue?: string;
  finishedOn?: string;
}

/** Reads the script's callback JSON; undefined when there is none or it cannot be read. */
function callbackSource(json: string, keepSeconds: number): DeliveryCallbackSource | undefined {
  if (json === "") return undefined;
  let raw: RawCallback;
  try {
    raw = JSON.parse(json) as RawCallback;
  } catch {
    return undefined;
  }
  if (typeof raw.url !== "string" || !isDeliveryStateName(raw.state)) return undefined;
  const delivery: SmsDelivery = { state: raw.state };
  if (raw.code) delivery.code = raw.code;
  const at = Number(raw.reportedAt);
  if (raw.reportedAt && Number.isFinite(at)) delivery.reportedAt = new Date(at).toISOString();
  const result = parseJson(raw.returnvalue);
  const progress = parseJson(raw.progress);
  return {
    url: raw.url,
    delivery,
    documentIds: documentIdsOf(result) ?? documentIdsOf(progress) ?? [],
    dead: raw.finishedOn !== undefined && result === undefined,
    keepSeconds,
  };
}

function isDeliveryStateName(state: unknown): state is SmsDeliveryState {
  return state === "pending" || state === "delivered" || state === "failed" || state === "expired";
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === "" || text === "null") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function documentIdsOf(value: unknown): string[] | undefined {
  const ids = (value as { documentIds?: unknown } | undefined)?.documentIds;
  return Array.isArray(ids) && ids.every((id) => typeof id === "string") ? ids : undefined;
}

function stateOf(report: DeliveryReport, index: number): ReportedDeliveryState {
  const state = deliveryStateOfKpnStatus(report.status);
  if (state === undefined) {
    throw new DeliveryReportError(
      `reports[${index}].status`,
      `reports[${index}].status must be a KPN status code from 1 to 6 (got ${JSON.stringify(report.status)})`,
    );
  }
  return state;
}
