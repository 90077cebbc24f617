import type { SentReport } from "@sms-relay/kpn-sandbox";
import {
  combineDeliveryStates,
  deliveryKeys,
  deliveryReportMark,
  deliveryStateOfKpnStatus,
  type ReportedDeliveryState,
  type SmsDeliveryState,
} from "@sms-relay/producer";
import type { Cluster, Redis } from "ioredis";

/** What the receipts app must hold for one SMS, worked out from the reports KPN sent. */
export interface RecordedDelivery {
  state: SmsDeliveryState;
  /** `ErrorCode` of the report that set the state. */
  code: string | undefined;
  /** One entry per part (`part:<reference>:<document_id>`), with that part's state. */
  parts: Record<string, string>;
}

/** The reference of a `webhook_url`: its last path segment. */
export function referenceOf(webhookUrl: string): string {
  return new URL(webhookUrl).pathname.split("/").pop() ?? "";
}

function stateOf(report: SentReport): ReportedDeliveryState {
  const state = deliveryStateOfKpnStatus(report.report.Status);
  if (state === undefined) throw new Error(`the sandbox sent Status ${report.report.Status}`);
  return state;
}

/**
 * Per recipient (E.164), the record the receipts app must end with once every report the
 * sandbox planned has arrived: each part takes its final report's state (a late pending changes
 * nothing), and the SMS the combination of its parts.
 */
export function expectedDeliveries(reports: readonly SentReport[]): Map<string, RecordedDelivery> {
  const finals = new Map<string, Map<string, SentReport[]>>();
  for (const sent of reports) {
    if (sent.kind !== "final") continue;
    const recipient = sent.report.RecipientPhonenumber;
    const part = `part:${referenceOf(sent.webhookUrl)}:${sent.report.document_id}`;
    const parts = finals.get(recipient) ?? new Map<string, SentReport[]>();
    parts.set(part, [...(parts.get(part) ?? []), sent]);
    finals.set(recipient, parts);
  }
  const expected = new Map<string, RecordedDelivery>();
  for (const [recipient, parts] of finals) {
    const partStates: Record<string, string> = {};
    for (const [part, sent] of parts) partStates[part] = combineDeliveryStates(sent.map(stateOf));
    const all = [...parts.values()].flat();
    const state = combineDeliveryStates(all.map(stateOf));
    const code = all.find((sent) => stateOf(sent) === state)?.report.ErrorCode;
    expected.set(recipient, { state, code, parts: partStates });
  }
  return expected;
}

/**
 * The de-duplication mark of every distinct report the sandbox planned (a duplicate has its
 * original's), as `<reference> <mark>`: a mark is a `seen:` field of its reference hash.
 */
export function expectedSeenMarks(reports: readonly SentReport[]): Set<string> {
  return new Set(
    reports.map(
      (sent) =>
        `${referenceOf(sent.webhookUrl)} ${deliveryReportMark({
          recipient: sent.report.RecipientPhonenumber,
          status: sent.report.Status,
          dlrId: sent.report.DLRID,
          documentId: sent.report.document_id,
        })}`,
    ),
  );
}

/**
 * Every de-duplication mark held in the given reference hashes, as `<reference> <mark>` (see
 * {@link expectedSeenMarks}), read in one round trip.
 */
export async function readSeenMarks(
  redis: Redis | Cluster,
  prefix: string,
  referenceKeys: readonly string[],
): Promise<Set<string>> {
  const base = deliveryKeys(prefix).reference("");
  const pipeline = redis.pipeline();
  for (const key of referenceKeys) pipeline.hkeys(key);
  const results = (await pipeline.exec()) ?? [];
  const marks = new Set<string>();
  for (const [index, [error, fields]] of results.entries()) {
    if (error) throw error;
    const reference = referenceKeys[index]!.slice(base.length);
    for (const field of fields as string[]) {
      if (field.startsWith("seen:")) marks.add(`${reference} ${field}`);
    }
  }
  return marks;
}

/** What the receipts app recorded for one SMS, read straight from its state hash. */
export async function readRecordedDelivery(
  redis: Redis | Cluster,
  prefix: string,
  jobId: string,
): Promise<RecordedDelivery> {
  const hash = await redis.hgetall(deliveryKeys(prefix).state(jobId));
  const parts: Record<string, string> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith("part:")) parts[field] = value;
  }
  return {
    state: (hash.state as SmsDeliveryState | undefined) ?? "unknown",
    code: hash.code,
    parts,
  };
}

/** Every key matching a `SCAN` pattern on one Redis. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

/** The sum of every series of a metric in a Prometheus text (`name{…} value` lines). */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}
