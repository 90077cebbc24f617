/** Options of {@link createLogThrottle}. */
export interface LogThrottleOptions {
  /** Shortest time between two lines of one kind. @default 5000 */
  intervalMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Keeps a burst of one error from flooding the logs (a Redis at `maxmemory` makes every command
 * fail, thousands a second): call it with a key for the kind of line and a function that logs it.
 * The first line of a kind is logged at once; later ones within `intervalMs` are only counted,
 * and the next line logged says how many were left out (`suppressed`).
 */
export function createLogThrottle(options: LogThrottleOptions = {}) {
  const { intervalMs = 5000, now = Date.now } = options;
  const kinds = new Map<string, { lastAt: number; suppressed: number }>();
  return (key: string, log: (suppressed: number) => void): void => {
    const at = now();
    const kind = kinds.get(key);
    if (kind && at - kind.lastAt < intervalMs) {
      kind.suppressed += 1;
      return;
    }
    const suppressed = kind?.suppressed ?? 0;
    kinds.set(key, { lastAt: at, suppressed: 0 });
    log(suppressed);
  };
}
