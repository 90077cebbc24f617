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
   * Seen before (same DLRID, or same reference, recipient, status and time). `callback` is there
   * when the SMS has one, so that a body retried after a failed enqueue can still enqueue it.
   */
  | { result: "duplicate"; jobId?: string; callback?: DeliveryCallbackSource }
  /** No SMS has this reference and recipient: kept in the unmatched list. */
  | { result: "unmatched" };

/** Options of {@link recordDeliveryReports}. */
export interface RecordDeliveryReportsOptions {
  /**
   * Expiry of the state and de-duplication keys when the reference hash has none (it normally
   * carries the worker's `SMS_KEEP_COMPLETED_SECONDS`, which is used then).
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

const COMMAND = "smsRelayRecordDeliveryReports";

type ScriptClient = (Redis | Cluster) & {
  [COMMAND]?: (key: string, ...args: string[]) => Promise<unknown>;
};

/**
 * The de-duplication hash of a report. With a DLRID it is the DLRID and the status: whether KPN
 * gives each report its own DLRID or one per message is not documented, and with the status a
 * `delivered` that follows a `pending` under the same DLRID is still heard. Without one, the
 * document id (when given) keeps two parts' reports with the same status and time apart.
 */
export function deliveryReportHash(reference: string, report: DeliveryReport): string {
  const identity =
    report.dlrId !== undefined && report.dlrId !== ""
      ? `dlr\n${report.dlrId}\n${report.status}`
      : `ref\n${reference}\n${report.recipient}\n${report.status}\n${report.statusDateTime ?? ""}\n${report.documentId ?? ""}`;
  return createHash("sha256").update(identity).digest("base64url");
}

/**
 * Records the delivery reports of one webhook body (all for one `reference`) in one script call:
 * each report not seen before is matched by reference + recipient to its SMS and folded into
 * that SMS's delivery state (see `combineDeliveryStates`; per part, a final state never goes back);
 * reports that match no SMS go to the unmatched list. When this resolves, every report is in
 * Redis; when it rejects (Redis away), nothing of the body may be assumed stored and the same
 * body can be recorded again safely.
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
  const keys = deliveryKeys(prefix);
  const args: string[] = [
    `${prefix}:sms:dlr:`,
    `${prefix}:${SMS_QUEUE}:`,
    String(ttlMs),
    String(options.unmatchedLimit ?? DELIVERY_UNMATCHED_LIMIT),
  ];
  for (const [index, report] of reports.entries()) {
    const state = stateOf(report, index);
    const at = report.statusDateTime ?? now();
    const entry = JSON.stringify({
      reference,
      recipient: maskMobileNumber(report.recipient),
      status: report.status,
      statusDateTime: new Date(at).toISOString(),
      dlrId: report.dlrId,
      documentId: report.documentId,
      errorCode: report.errorCode,
      receivedAt: new Date(now()).toISOString(),
    });
    args.push(
      deliveryReportHash(reference, report),
      report.recipient,
      state,
      `${reference}:${report.documentId ?? ""}`,
      report.errorCode ?? "",
      String(at),
      entry,
    );
  }
  const client = redis as ScriptClient;
  if (typeof client[COMMAND] !== "function") {
    client.defineCommand(COMMAND, { numberOfKeys: 1, lua: RECORD_DELIVERY_REPORTS_LUA });
  }
  const raw = (await client[COMMAND]!(keys.reference(reference), ...args)) as unknown[];
  const usedTtlMs = Number(raw[raw.length - 1]);
  const keepSeconds = Number.isFinite(usedTtlMs) && usedTtlMs > 0 ? usedTtlMs / 1000 : ttlMs / 1000;
  const rows = raw.slice(0, -1) as Array<[string, string, string, string, number, number, string]>;
  return rows.map(([result, jobId, state, sentAt, becameFinal, changed, callbackJson]) => {
    const callback = callbackSource(callbackJson, keepSeconds);
    const withCallback = callback === undefined ? {} : { callback };
    if (result === "unmatched") return { result };
    if (result === "duplicate") return { result, ...(jobId ? { jobId } : {}), ...withCallback };
    if (result === "unchanged") {
      return { result, jobId, state: state as SmsDeliveryState, ...withCallback };
    }
    const outcome: DeliveryReportOutcome = {
      result: "stored",
      jobId,
      state: state as SmsDeliveryState,
      becameFinal: becameFinal === 1,
      changed: changed === 1,
      ...withCallback,
    };
    const sentAtMs = Number(sentAt);
    if (sentAt !== "" && Number.isFinite(sentAtMs)) outcome.sentAt = sentAtMs;
    return outcome;
  });
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
