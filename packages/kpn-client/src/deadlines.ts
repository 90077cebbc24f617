/** Something with a deadline, linked into the {@link Deadlines} of its client while pending. */
export interface DeadlineEntry {
  /** `performance.now()` by which the entry must be done. */
  deadline: number;
  /** Called once when the deadline passes before {@link Deadlines.remove}. */
  expire(): void;
  prev: DeadlineEntry | undefined;
  next: DeadlineEntry | undefined;
  /** Whether the entry is in the list (set and cleared by {@link Deadlines}). */
  linked: boolean;
}

/**
 * Whole-request timeouts of one client, kept with a single timer instead of one per request.
 *
 * Every entry gets the same timeout, so deadlines arrive in the order entries are added: the list
 * is sorted by construction, adding and removing are O(1), and the timer only ever has to wait
 * for the oldest pending entry. Under load that is one timer callback per `timeoutMs` or so,
 * instead of a `setTimeout` + `clearTimeout` pair (and an `AbortController`) per request.
 */
export interface Deadlines {
  /** Links `entry` with a deadline of `timeoutMs` from now. */
  add(entry: DeadlineEntry): void;
  /** Unlinks `entry`; it will not expire. Safe to call more than once. */
  remove(entry: DeadlineEntry): void;
}

/** Creates the deadline list of a client whose requests all have `timeoutMs`. */
export function createDeadlines(timeoutMs: number): Deadlines {
  let head: DeadlineEntry | undefined;
  let tail: DeadlineEntry | undefined;
  let timer: NodeJS.Timeout | undefined;

  function unlink(entry: DeadlineEntry): void {
    if (entry.prev === undefined) head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = undefined;
    entry.linked = false;
  }

  function arm(at: number, now: number): void {
    timer = setTimeout(sweep, Math.max(1, Math.ceil(at - now)));
    // Pending sockets keep the process alive; the timer alone must not.
    timer.unref();
  }

  function sweep(): void {
    timer = undefined;
    const now = performance.now();
    // expire() may settle promises, but their continuations run later, so the list does not
    // change under this loop except through unlink here.
    while (head !== undefined && head.deadline <= now) {
      const due = head;
      unlink(due);
      due.expire();
    }
    if (head !== undefined) arm(head.deadline, now);
  }

  return {
    add(entry) {
      const now = performance.now();
      entry.deadline = now + timeoutMs;
      entry.linked = true;
      entry.next = undefined;
      entry.prev = tail;
      if (tail === undefined) head = entry;
      else tail.next = entry;
      tail = entry;
      // The timer waits for the oldest entry; a newer one never needs it sooner.
      if (timer === undefined) arm(entry.deadline, now);
    },
    remove(entry) {
      if (!entry.linked) return;
      // A timer left waiting for a removed entry is harmless (it finds nothing due and waits for
      // the then-oldest entry), and cheaper than clearing and setting one per request.
      unlink(entry);
    },
  };
}
