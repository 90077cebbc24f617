import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";

/**
 * Job option under which a producer stores a random token of its own add. BullMQ silently
 * ignores an add whose job id exists and gives no sign of it; reading the token back from the
 * stored job tells which add created it, even for concurrent sends of one key in one
 * millisecond. BullMQ keeps unknown job options as they are and never reads this one.
 */
export const ADD_TOKEN_OPTION = "smsAddToken";

/** A fresh token for one add. */
export function newAddToken(): string {
  return randomUUID();
}

/**
 * Whether the stored job is not the one this add created. A job that is already gone (removed
 * by a worker in the instant between the add and this check) counts as created by this add.
 */
export function wasDeduplicated(stored: Job | undefined, token: string): boolean {
  if (!stored) return false;
  const options = stored.opts as Record<string, unknown>;
  return options[ADD_TOKEN_OPTION] !== token;
}
