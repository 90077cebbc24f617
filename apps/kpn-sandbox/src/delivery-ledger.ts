import { MOBILE_NUMBER, toE164 } from "./recipients.js";
import { CappedLog } from "./recorder.js";
import type {
  DeliveryReportStats,
  ReportOutcome,
  ReportState,
  SentReport,
  SentReportFilter,
} from "./types.js";

type EndState = Exclude<ReportState, "waiting">;

/** Every report planned, with its attempts, and the counters of how reports ended. */
export class DeliveryLedger {
  readonly reports: CappedLog<SentReport>;
  private counters = DeliveryLedger.zero();

  constructor(maxRecorded: number) {
    this.reports = new CappedLog(maxRecorded);
  }

  private static zero() {
    return { planned: 0, delivered: 0, dropped: 0, overflowed: 0, cancelled: 0, attempts: 0 };
  }

  planned(report: SentReport): void {
    this.counters.planned++;
    this.reports.push(report);
  }

  attempted(): void {
    this.counters.attempts++;
  }

  ended(report: SentReport, state: EndState): void {
    report.state = state;
    this.counters[state]++;
  }

  /** Reports in the order planned, filtered by document id and recipient (any spelling). */
  list(filter: SentReportFilter = {}): SentReport[] {
    const recipient =
      filter.recipient !== undefined && MOBILE_NUMBER.test(filter.recipient)
        ? toE164(filter.recipient)
        : filter.recipient;
    return this.reports
      .slice()
      .filter(
        (entry) =>
          (filter.documentId === undefined || entry.report.document_id === filter.documentId) &&
          (recipient === undefined || entry.report.RecipientPhonenumber === recipient),
      );
  }

  /** The final outcome of each message × recipient, from its first final report. */
  outcomes(filter: SentReportFilter = {}): ReportOutcome[] {
    return this.list(filter)
      .filter((entry) => entry.kind === "final" && !entry.duplicate)
      .map((entry) => {
        const status = entry.report.Status as ReportOutcome["status"];
        return {
          documentId: entry.report.document_id,
          recipient: entry.report.RecipientPhonenumber,
          messageIndex: entry.messageIndex,
          status,
          outcome: status === 1 ? "delivered" : status === 4 ? "failed" : "expired",
          errorCode: entry.report.ErrorCode,
          state: entry.state,
        };
      });
  }

  stats(now: { queued: number; inFlight: number }): DeliveryReportStats {
    return { ...this.counters, ...now };
  }

  clear(): void {
    this.reports.clear();
    this.counters = DeliveryLedger.zero();
  }
}
