import { randomUUID } from "node:crypto";
import { splitRecipients, toE164 } from "./recipients.js";
import type {
  DeliveryReportBody,
  ReceivedSend,
  ResolvedSandboxDeliveryReports,
  SentReport,
} from "./types.js";

/** One POST body: a single report, or an array of reports when batched. */
export interface PlannedDelivery {
  url: string;
  reports: SentReport[];
  /** Sent as an array, even of one report. */
  array: boolean;
}

/**
 * Deliveries whose first attempts go strictly one after the other, so that the order a
 * receiver sees is the order planned (retries then run on their own, as with KPN).
 */
export type DeliveryChain = PlannedDelivery[];

const DESCRIPTIONS = { 1: "Delivered", 2: "Queued", 3: "Accepted", 4: "Failed", 6: "Expired" };
const NO_ERROR = "000";

function report(
  send: ReceivedSend,
  recipient: string,
  status: DeliveryReportBody["Status"],
  at: number,
  errorCode: string,
): DeliveryReportBody {
  return {
    DLRID: randomUUID(),
    document_id: send.documentId,
    RecipientPhonenumber: recipient,
    Status: status,
    StatusDescription: DESCRIPTIONS[status],
    StatusDateTime: at,
    ErrorCode: errorCode,
  };
}

/**
 * Plans the reports of one accepted send that carried a `webhook_url`: three draws per message ×
 * recipient, in order, whatever the settings, so that changing a share does not shift the draws
 * of later recipients. Returns the chains to send and every report planned, in order.
 */
export function planReports(
  send: ReceivedSend & { webhookUrl: string },
  settings: ResolvedSandboxDeliveryReports,
  random: () => number,
  now: number,
): { chains: DeliveryChain[]; reports: SentReport[] } {
  const url = send.webhookUrl;
  const finalAt = Math.floor((now + settings.delayMs) / 1000);
  const sequences: SentReport[][] = [];
  send.messages.forEach((message, messageIndex) => {
    for (const written of splitRecipients(message.mobileNumber)) {
      const recipient = toE164(written);
      const outcomeDraw = random();
      const pendingDraw = random();
      const duplicateDraw = random();
      const status =
        outcomeDraw < settings.failedShare
          ? 4
          : outcomeDraw < settings.failedShare + settings.expiredShare
            ? 6
            : 1;
      const errorCode = status === 4 ? settings.failedErrorCode : NO_ERROR;
      const entry = (
        body: DeliveryReportBody,
        kind: SentReport["kind"],
        duplicate = false,
      ): SentReport => ({
        report: body,
        webhookUrl: url,
        kind,
        duplicate,
        messageIndex,
        attempts: [],
        state: "waiting",
      });
      const final = entry(report(send, recipient, status, finalAt, errorCode), "final");
      // The pending status was reached before the final one, even when its report comes later.
      const pending = entry(
        report(send, recipient, settings.pendingStatus, finalAt - 1, NO_ERROR),
        "pending",
      );
      const sequence: SentReport[] = [];
      if (pendingDraw < settings.pendingShare) sequence.push(pending);
      sequence.push(final);
      if (duplicateDraw < settings.duplicateShare) {
        sequence.push(entry({ ...final.report }, "final", true));
      }
      if (
        pendingDraw >= settings.pendingShare &&
        pendingDraw < settings.pendingShare + settings.outOfOrderShare
      ) {
        sequence.push(pending);
      }
      sequences.push(sequence);
    }
  });
  const reports = sequences.flat();
  if (!settings.batch) {
    const chains = sequences.map((sequence) =>
      sequence.map((one) => ({ url, reports: [one], array: false })),
    );
    return { chains, reports };
  }
  // Round k holds every recipient's k-th report: a pending one still goes before its final one.
  const rounds: PlannedDelivery[] = [];
  const longest = Math.max(...sequences.map((sequence) => sequence.length));
  for (let round = 0; round < longest; round++) {
    const inRound = sequences.flatMap((sequence) => sequence.slice(round, round + 1));
    rounds.push({ url, reports: inRound, array: true });
  }
  return { chains: [rounds], reports };
}
