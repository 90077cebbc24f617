import type { Cluster, Redis } from "ioredis";
import { indexSmsByNumber } from "./number-index.js";
import type { PreparedSend } from "./send-input.js";

/**
 * Starts writing the number index of SMS about to be added, and never rejects. Started before
 * the add on the same connection, it goes out ahead of the add's commands and shares their
 * round trip. A failed write does not fail the send (the SMS is queued, and can still be found
 * by its id): the index is for finding SMS, not for sending them.
 */
export function indexBeforeAdd(
  redis: Redis | Cluster,
  prefix: string,
  keepSeconds: number,
  sends: readonly PreparedSend[],
): Promise<void> {
  try {
    const entries = sends.map(({ jobId, data, options }) => ({
      to: data.to,
      jobId,
      dueAt: Date.parse(data.createdAt) + options.delay,
    }));
    return indexSmsByNumber(redis, prefix, entries, { keepSeconds }).catch(() => undefined);
  } catch {
    return Promise.resolve();
  }
}
