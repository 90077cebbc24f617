import type { RequestSender, RequestSlot, SendItem, SendOutcome } from "./request-sender.js";
import { secondsLeft } from "./request-sender.js";

/** Options of {@link createSendBatcher}. */
export interface SendBatcherOptions {
  send: RequestSender;
  /** `SMS_BATCH_SIZE`: most messages × recipients in one request (1 sends each SMS alone). */
  maxSize: number;
  /** `SMS_BATCH_WAIT_MS`: longest an SMS waits for others to share its request. */
  maxWaitMs: number;
  /**
   * Jobs the worker has in flight. When every one of them waits in a batch, no other SMS can
   * join, and the batches go at once instead of waiting out `maxWaitMs`.
   */
  jobsInFlight: () => number;
  /** Aborts the rate-limit waits of requests (the worker's shutdown). */
  signal?: AbortSignal;
}

/** Gathers ready SMS into shared requests. */
export interface SendBatcher {
  /** Puts one SMS into a request and resolves with what became of it. */
  send(item: SendItem): Promise<SendOutcome>;
  /** Sends what waits now, if every job in flight is waiting (call when a job ends). */
  check(): void;
  /** Sends everything that waits, now. */
  flush(): void;
  /** SMS waiting for company right now. */
  readonly waiting: number;
}

interface Entry {
  item: SendItem;
  resolve: (outcome: SendOutcome) => void;
}

interface Batch {
  sender: string;
  entries: Entry[];
  /** Recipients in it: never two different SMS to one number in a request. */
  numbers: Set<string>;
  /** Messages × recipients. */
  size: number;
  /** Shortest and longest validity left (seconds) among its SMS; Infinity without expiry. */
  minLeft: number;
  maxLeft: number;
  timer: NodeJS.Timeout | undefined;
  /** On its way: waiting for its rate-limit slot (and still taking SMS until full), or sent. */
  dispatched: boolean;
}

/** How much earlier than it asked an SMS may expire because of the company it keeps. */
const EXPIRY_SLACK = 0.1;

/**
 * Batches SMS by sender and by validity (an SMS never gets an `expirein` more than 10 % shorter
 * than its own, and SMS without expiry only go with others without), up to `maxSize` messages ×
 * recipients, one SMS per number. A batch goes when it is full, when its first SMS waited
 * `maxWaitMs`, or when every job in flight waits in a batch. An SMS larger than `maxSize` (a
 * long text) goes alone.
 */
export function createSendBatcher(options: SendBatcherOptions): SendBatcher {
  const { maxSize, maxWaitMs } = options;
  const open: Batch[] = [];
  let waiting = 0;
  // On shutdown nothing waits for company: the rate-limit waits abort and the SMS go back.
  options.signal?.addEventListener("abort", () => {
    for (const batch of [...open]) dispatch(batch);
  });

  function close(batch: Batch): void {
    const index = open.indexOf(batch);
    if (index >= 0) open.splice(index, 1);
  }

  /**
   * Sends a batch. Under a rate limit it first waits for its slot and stays open meanwhile: the
   * SMS that become ready during the wait ride along, up to `maxSize`, instead of queueing for
   * slots of their own.
   */
  function dispatch(batch: Batch): void {
    if (batch.dispatched) return;
    batch.dispatched = true;
    if (batch.timer) clearTimeout(batch.timer);
    const slot = batch.size < maxSize ? options.send.prepare(options.signal) : undefined;
    if (slot === undefined) {
      close(batch);
      go(batch, undefined);
      return;
    }
    slot.then((ready) => {
      close(batch);
      go(batch, ready);
    });
  }

  function go(batch: Batch, slot: RequestSlot | undefined): void {
    waiting -= batch.entries.length;
    const items = batch.entries.map((entry) => entry.item);
    options.send(items, options.signal, slot).then(
      (outcomes) => {
        for (const entry of batch.entries) {
          entry.resolve(
            outcomes.get(entry.item) ?? {
              kind: "failed",
              error: new Error("the request gave this SMS no outcome"),
            },
          );
        }
      },
      (error: unknown) => {
        for (const entry of batch.entries) entry.resolve({ kind: "failed", error });
      },
    );
  }

  function fits(batch: Batch, item: SendItem, size: number, left: number): boolean {
    if (batch.sender !== item.sender || batch.numbers.has(item.to)) return false;
    if (batch.size + size > maxSize) return false;
    const finite = Number.isFinite(left);
    if (finite !== Number.isFinite(batch.minLeft)) return false;
    if (!finite) return true;
    const min = Math.min(batch.minLeft, left);
    const max = Math.max(batch.maxLeft, left);
    return min >= max * (1 - EXPIRY_SLACK);
  }

  function checkAll(): void {
    if (waiting > 0 && waiting >= options.jobsInFlight()) {
      for (const batch of [...open]) dispatch(batch);
    }
  }

  function batchOf(item: SendItem, size: number, left: number): Batch {
    return {
      sender: item.sender,
      entries: [],
      numbers: new Set(),
      size,
      minLeft: left,
      maxLeft: left,
      timer: undefined,
      dispatched: false,
    };
  }

  return {
    send(item) {
      const size = item.parts.length;
      const left = secondsLeft(item.expiresAt);
      return new Promise<SendOutcome>((resolve) => {
        const entry = { item, resolve };
        if (maxSize <= 1 || size >= maxSize) {
          const alone = batchOf(item, size, left);
          alone.entries.push(entry);
          alone.numbers.add(item.to);
          waiting += 1;
          dispatch(alone);
          return;
        }
        let batch = open.find((candidate) => fits(candidate, item, size, left));
        if (!batch) {
          const created = batchOf(item, 0, left);
          created.timer = setTimeout(() => dispatch(created), maxWaitMs);
          open.push(created);
          batch = created;
        }
        batch.entries.push(entry);
        batch.numbers.add(item.to);
        batch.size += size;
        batch.minLeft = Math.min(batch.minLeft, left);
        batch.maxLeft = Math.max(batch.maxLeft, left);
        waiting += 1;
        // A full batch takes no more SMS, even while it waits for its rate-limit slot.
        if (batch.size >= maxSize) close(batch);
        if (batch.size >= maxSize) dispatch(batch);
        else checkAll();
      });
    },
    check: checkAll,
    flush() {
      for (const batch of [...open]) dispatch(batch);
    },
    get waiting() {
      return waiting;
    },
  };
}
