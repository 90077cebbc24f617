import { splitRecipients } from "./recipients.js";
import type { ReceivedSend, SandboxRequest, SandboxStats } from "./types.js";

/**
 * A list capped at `max` entries whose indexes stay absolute: when the oldest entries are
 * dropped, index N still means the N-th entry ever pushed, so `since` paging keeps working.
 */
export class CappedLog<T> {
  private items: T[] = [];
  private dropped = 0;

  constructor(private readonly max: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.max) {
      // Drop a tenth at once so that trimming is rare rather than a shift per push.
      const drop = Math.min(
        this.items.length,
        this.items.length - this.max + Math.ceil(this.max / 10),
      );
      this.items.splice(0, drop);
      this.dropped += drop;
    }
  }

  /** Entries from absolute index `since` on, at most `limit` of them. */
  slice(since = 0, limit = Number.POSITIVE_INFINITY): T[] {
    const start = Math.max(0, since - this.dropped);
    return this.items.slice(start, start + limit);
  }

  /** Entries ever pushed since the last clear. */
  get total(): number {
    return this.dropped + this.items.length;
  }

  clear(): void {
    this.items = [];
    this.dropped = 0;
  }
}

/** What happened to one send attempt, for the log and the counters. */
export type SendOutcome = number | "reset" | "hang";

/** Received sends, send attempts and counters. */
export class Recorder {
  readonly received: CappedLog<ReceivedSend>;
  readonly requests: CappedLog<SandboxRequest>;
  private counters = Recorder.zero();

  constructor(maxRecorded: number) {
    this.received = new CappedLog(maxRecorded);
    this.requests = new CappedLog(maxRecorded);
  }

  private static zero(): SandboxStats {
    return {
      tokenRequests: 0,
      sendRequests: 0,
      accepted: 0,
      acceptedSms: 0,
      byStatus: {},
      resets: 0,
      hangs: 0,
    };
  }

  tokenRequest(): void {
    this.counters.tokenRequests++;
  }

  accept(send: ReceivedSend): void {
    this.counters.accepted++;
    for (const message of send.messages) {
      this.counters.acceptedSms += splitRecipients(message.mobileNumber).length;
    }
    this.received.push(send);
  }

  /** Records the end of one send attempt. */
  sendAnswered(at: number, path: string, outcome: SendOutcome): void {
    const counters = this.counters;
    counters.sendRequests++;
    if (outcome === "reset") counters.resets++;
    else if (outcome === "hang") counters.hangs++;
    else {
      const key = String(outcome);
      counters.byStatus[key] = (counters.byStatus[key] ?? 0) + 1;
    }
    this.requests.push({ at, path, status: outcome });
  }

  stats(): SandboxStats {
    return { ...this.counters, byStatus: { ...this.counters.byStatus } };
  }

  clear(): void {
    this.received.clear();
    this.requests.clear();
    this.counters = Recorder.zero();
  }
}
