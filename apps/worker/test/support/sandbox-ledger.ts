import type { ReceivedSend } from "@sms-relay/kpn-sandbox";

/** What the sandbox saw, reduced to what the reliability checks need. */
export interface SandboxLedger {
  /** Every `document_id` the sandbox issued, with the keys of the messages it was issued for. */
  documentIds: Map<string, string[]>;
  /** How often each message (sender, recipient, content) arrived. */
  arrivals: Map<string, number>;
  /** Arrivals beyond the first, summed over all messages. */
  duplicates: number;
  /** Up to ten duplicated messages, for failure messages. */
  duplicateExamples: string[];
}

/** The key that makes two received messages "the same SMS". */
export function messageKey(sender: string, mobileNumber: string, content: string): string {
  return JSON.stringify([sender, mobileNumber, content]);
}

/**
 * Counts duplicates at the sandbox. The tests give every SMS unique content, so the same
 * (sender, recipient, content) arriving twice means one SMS reached the phone twice.
 */
export function readLedger(received: readonly ReceivedSend[]): SandboxLedger {
  const documentIds = new Map<string, string[]>();
  const arrivals = new Map<string, number>();
  for (const send of received) {
    const keys = send.messages.map((message) =>
      messageKey(send.sender, message.mobileNumber, message.content),
    );
    documentIds.set(send.documentId, keys);
    for (const key of keys) arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  const duplicateExamples: string[] = [];
  for (const [key, count] of arrivals) {
    if (count < 2) continue;
    duplicates += count - 1;
    if (duplicateExamples.length < 10) duplicateExamples.push(`${count}× ${key}`);
  }
  return { documentIds, arrivals, duplicates, duplicateExamples };
}

/** The largest number of `times` (epoch ms) that fall in any window `[t, t + windowMs)`. */
export function busiestWindow(
  times: readonly number[],
  windowMs = 1_000,
): {
  count: number;
  start: number;
} {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, start: sorted[0] ?? 0 };
  let end = 0;
  // Every window that holds a maximum can slide right until its start is a request time.
  for (let start = 0; start < sorted.length; start++) {
    const from = sorted[start] as number;
    while (end < sorted.length && (sorted[end] as number) < from + windowMs) end++;
    if (end - start > best.count) best = { count: end - start, start: from };
  }
  return best;
}

/** A sent SMS as the test enqueued it, with the document ids its job returned. */
export interface SentSms {
  id: string;
  to: string;
  content: string;
  sender: string;
  documentIds: readonly string[] | undefined;
}

/**
 * What is wrong with the document ids sent jobs returned: none at all, one the API never issued,
 * or one the API issued for another SMS. Empty when every job names the API's record of itself.
 * The SMS must fit in one part (the tests' do), so its content is the whole message.
 */
export function documentIdProblems(ledger: SandboxLedger, sent: Iterable<SentSms>): string[] {
  const problems: string[] = [];
  for (const sms of sent) {
    if (!sms.documentIds || sms.documentIds.length === 0) {
      problems.push(`${sms.id}: no documentIds`);
      continue;
    }
    const key = messageKey(sms.sender, sms.to, sms.content);
    for (const documentId of sms.documentIds) {
      const keys = ledger.documentIds.get(documentId);
      if (!keys) problems.push(`${sms.id}: ${documentId} was never issued`);
      else if (!keys.includes(key)) problems.push(`${sms.id}: ${documentId} belongs to ${keys}`);
    }
  }
  return problems;
}
