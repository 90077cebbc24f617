export interface WaitForOptions {
  /** Give up after this many milliseconds. @default 10000 */
  timeoutMs?: number;
  /** Pause between checks. @default 25 */
  intervalMs?: number;
  /** Said in the error when time runs out. */
  description?: string;
}

/**
 * Calls `check` until it returns a value other than `undefined`, `null` or `false`, and returns it.
 * Errors thrown by `check` count as "not yet" until the time is up; then the last one is the cause.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const { timeoutMs = 10_000, intervalMs = 25, description = "condition" } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) {
        return value as Exclude<T, undefined | null | false>;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
