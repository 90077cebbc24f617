/**
 * Waits for `promise` at most `ms`, and never rejects: `"done"`, `"timeout"`, or the error's
 * message. For shutdown steps, where a Redis that is gone would otherwise be waited for forever.
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => "done",
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
