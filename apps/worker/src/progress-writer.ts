import { SMS_QUEUE, type SmsJobProgress } from "@sms-relay/producer";
import type { Cluster, Redis } from "ioredis";

/** Writes the progress (document ids) of `sms` jobs, many in one Redis round trip. */
export interface ProgressWriter {
  /** Resolves once the job's progress is stored; rejects when Redis refused the write. */
  write(jobId: string, progress: SmsJobProgress): Promise<void>;
}

/** Options of {@link createProgressWriter}. */
export interface ProgressWriterOptions {
  redis: Redis | Cluster;
  /** The BullMQ prefix of the `sms` queue. */
  prefix: string;
}

const COMMAND = "smsRelayWriteProgress";

/**
 * Sets the `progress` field of each job hash that still exists (a job removed meanwhile is not
 * brought back as a stray hash). It is the field BullMQ's own `updateProgress` sets and
 * `job.progress` reads; BullMQ's progress event is left out, since nothing listens for it.
 */
const WRITE_PROGRESS_LUA = `
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'progress', ARGV[i]) end
end
return #KEYS
`;

type ScriptClient = (Redis | Cluster) & {
  [COMMAND]?: (count: number, ...args: string[]) => Promise<unknown>;
};

interface Pending {
  jobId: string;
  json: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the progress writes issued in one turn of the event loop (the SMS of one request are
 * answered together) into one script call. With a hash-tagged prefix on a cluster every job key
 * is in one slot, so one call may touch them all.
 */
export function createProgressWriter(options: ProgressWriterOptions): ProgressWriter {
  const redis = options.redis as ScriptClient;
  if (typeof redis[COMMAND] !== "function") {
    redis.defineCommand(COMMAND, { lua: WRITE_PROGRESS_LUA });
  }
  const base = `${options.prefix}:${SMS_QUEUE}:`;
  let pending: Pending[] = [];

  function flush(): void {
    const batch = pending;
    pending = [];
    const keys = batch.map((entry) => base + entry.jobId);
    const values = batch.map((entry) => entry.json);
    redis[COMMAND]!(keys.length, ...keys, ...values).then(
      () => {
        for (const entry of batch) entry.resolve();
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }

  return {
    write(jobId, progress) {
      return new Promise<void>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ jobId, json: JSON.stringify(progress), resolve, reject });
      });
    },
  };
}
