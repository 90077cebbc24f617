import { type DeliveryReport, deliveryStateOfKpnStatus } from "@sms-relay/producer";
import { isMobileNumber, normalizeMobileNumber } from "@sms-relay/sms";

/** A body that holds no usable report; the message names the field at fault. */
export class ReportBodyError extends Error {
  override readonly name = "ReportBodyError";
  /** Always `"RECEIPTS_BAD_BODY"`. */
  readonly code = "RECEIPTS_BAD_BODY";
}

/** The usable reports of a body, and a reason for each item that was not. */
export interface ParsedReports {
  reports: DeliveryReport[];
  /** One line per unusable item (`reports[2].status: …`), numbers never shown. */
  skipped: string[];
}

/**
 * Field names in the spellings KPN's reports have been seen with, after dropping case,
 * underscores, dashes and spaces (`DLRID`, `dlr_id`, `dlrId` all become `dlrid`).
 */
const ALIASES: Record<keyof DeliveryReport, readonly string[]> = {
  dlrId: ["dlrid"],
  documentId: ["documentid", "docid"],
  recipient: ["recipientphonenumber", "recipient", "mobilenumber", "phonenumber", "msisdn", "to"],
  status: ["status", "statuscode"],
  statusDateTime: ["statusdatetime", "statustime", "datetime", "timestamp"],
  errorCode: ["errorcode", "error"],
};

/** Canonical forms of the field names met so far: a sender uses the same few names in every report. */
const canonicalNames = new Map<string, string>();
/** Most names remembered, so that a sender of ever new names cannot grow the map. */
const CANONICAL_NAMES_LIMIT = 256;

function canonical(name: string): string {
  let key = canonicalNames.get(name);
  if (key === undefined) {
    key = name.toLowerCase().replace(/[_\-\s]/g, "");
    if (canonicalNames.size < CANONICAL_NAMES_LIMIT) canonicalNames.set(name, key);
  }
  return key;
}

function pick(fields: Map<string, unknown>, field: keyof DeliveryReport): unknown {
  for (const alias of ALIASES[field]) {
    const value = fields.get(alias);
    if (value !== undefined && value !== null && value !== "") return value;
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Epoch ms from epoch seconds, epoch ms (numbers or numeric strings) or an ISO string. */
function epochMs(value: unknown): number | undefined {
  const asText = text(value);
  if (asText === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(asText)) {
    const n = Number(asText);
    // 1e11 seconds is the year 5138, 1e11 ms is 1973: below it a value can only be seconds.
    return Math.round(n < 1e11 ? n * 1000 : n);
  }
  const parsed = Date.parse(asText);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function readReport(item: unknown, at: string): DeliveryReport | string {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return `${at} must be an object`;
  }
  const fields = new Map<string, unknown>();
  for (const name of Object.keys(item)) {
    const key = canonical(name);
    if (!fields.has(key)) fields.set(key, (item as Record<string, unknown>)[name]);
  }
  const statusText = text(pick(fields, "status"));
  const status = statusText !== undefined && /^\d+$/.test(statusText) ? Number(statusText) : NaN;
  if (statusText === undefined) return `${at}.Status is missing`;
  if (deliveryStateOfKpnStatus(status) === undefined) {
    return `${at}.Status must be a KPN status code from 1 to 6 (got ${JSON.stringify(statusText.slice(0, 20))})`;
  }
  const number = text(pick(fields, "recipient"));
  if (number === undefined) return `${at}.RecipientPhonenumber is missing`;
  let recipient: string;
  try {
    // Most reports carry the number as it was sent, already in E.164.
    recipient = isMobileNumber(number) ? number : normalizeMobileNumber(number);
  } catch {
    return `${at}.RecipientPhonenumber is not a Dutch mobile number`;
  }
  const report: DeliveryReport = { recipient, status };
  const statusDateTime = epochMs(pick(fields, "statusDateTime"));
  if (statusDateTime !== undefined) report.statusDateTime = statusDateTime;
  const dlrId = text(pick(fields, "dlrId"));
  if (dlrId !== undefined) report.dlrId = dlrId.slice(0, 200);
  const documentId = text(pick(fields, "documentId"));
  if (documentId !== undefined) report.documentId = documentId.slice(0, 200);
  const errorCode = text(pick(fields, "errorCode"));
  if (errorCode !== undefined) report.errorCode = errorCode.slice(0, 50);
  return report;
}

/**
 * Reads KPN delivery reports from a raw body: one report object or an array of them, with the
 * field-name variants KPN uses, numbers in any Dutch spelling, `Status` as a number or numeric
 * string and `StatusDateTime` in seconds, milliseconds or ISO form.
 *
 * @throws {ReportBodyError} when the body is not JSON or holds no usable report.
 */
export function parseDeliveryReports(body: Buffer): ParsedReports {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ReportBodyError("body is not valid JSON");
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const reports: DeliveryReport[] = [];
  const skipped: string[] = [];
  for (const [index, item] of items.entries()) {
    const result = readReport(item, Array.isArray(parsed) ? `reports[${index}]` : "report");
    if (typeof result === "string") skipped.push(result);
    else reports.push(result);
  }
  if (reports.length === 0) {
    throw new ReportBodyError(skipped[0] ?? "body holds no report (an empty array)");
  }
  return { reports, skipped };
}
