import type { Job, JobsOptions, JobType, Queue } from "bullmq";
import { clusterPrefixProblem } from "./cluster-prefix.js";
import { QueueAccess, type SmsRedisConnection } from "./connection.js";
import { PRODUCER_DEFAULTS } from "./defaults.js";
import { readDeliveries } from "./delivery-read.js";
import type { SmsDelivery } from "./delivery-state.js";
import { SmsProducerError } from "./errors.js";
import { ADD_TOKEN_OPTION, newAddToken, wasDeduplicated } from "./idempotency.js";
import { SMS_JOB_DEFAULTS } from "./job-options.js";
import {
  type DeadLetterJobData,
  type SmsJobProgress,
  smsJobProgressSchema,
} from "./job-schemas.js";
import { DEAD_LETTER_QUEUE, SMS_JOB_NAME, SMS_QUEUE } from "./queue-names.js";

/** Options of a standalone {@link DeadLetterQueue}. */
export interface DeadLetterQueueOptions {
  /** Redis, as for the producer; instances are never closed by this class. */
  connection: SmsRedisConnection;
  /**
   * BullMQ key prefix; must match the worker's `SMS_QUEUE_PREFIX`. With a `Cluster` connection it
   * must hold a hash tag such as `{sms}`.
   * @default "bull"
   */
  prefix?: string;
  /**
   * How long a call waits for Redis to become ready before failing with `SMS_QUEUE_UNAVAILABLE`.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Longest one call (one id of a redrive, one page of a purge) may take before it fails with
   * `SMS_QUEUE_UNAVAILABLE`; also bounds `close`.
   * @default 5000
   */
  operationTimeoutMs?: number;
}

/** One dead-lettered SMS. */
export interface DeadLetterEntry {
  /** The id of the `sms` job, which is also the id of the dead-letter job. */
  id: string;
  /** The record as the worker stored it (not validated again, so hand-made records show too). */
  data: DeadLetterJobData;
  /** When the record was added (ISO). */
  addedAt: string;
}

/** Outcome of {@link DeadLetterQueue.redrive}. */
export interface RedriveResult {
  /** Ids now back on the `sms` queue; their records are removed. */
  redriven: string[];
  /**
   * Ids whose `sms` job a worker is processing right now (or that another redrive or send holds
   * at this moment). Nothing was changed for them and their records are kept, since the attempt
   * under way may fail again; redrive them again once it is over.
   */
  inProgress: string[];
  /** Ids with no dead-letter record. */
  missing: string[];
}

/** Outcome of {@link DeadLetterQueue.purge}. */
export interface PurgeResult {
  purged: string[];
  missing: string[];
}

/** Records are plain waiting jobs; the other states only occur if something processed them. */
const RECORD_STATES: JobType[] = [
  "waiting",
  "prioritized",
  "delayed",
  "active",
  "completed",
  "failed",
];

/** States in which an `sms` job waits for a worker: the SMS is back on the queue. */
const QUEUED_STATES: ReadonlySet<string> = new Set([
  "waiting",
  "prioritized",
  "delayed",
  "waiting-children",
]);

type RedriveOutcome = "redriven" | "inProgress" | "missing";

/** Ids are read and handled in pages of this size, so "all" never loads the whole queue at once. */
const PAGE_SIZE = 200;

/**
 * A redriven SMS with parts already sent is first added held back for this long, so that no
 * worker can take it before its progress (the parts already sent) is written; it is then
 * promoted at once. Only if the redrive dies between the two steps does the hold run out.
 */
const REDRIVE_HOLD_MS = 60_000;

/**
 * The parts of a dead SMS that already went out. The old `sms` job's progress is exact; without
 * it, the record's `documentIds` are taken as one part each, which can resend parts (if one
 * request carried several) but never skips one.
 */
function partsAlreadySent(
  old: Job | undefined,
  record: Partial<DeadLetterJobData>,
): SmsJobProgress {
  const progress = smsJobProgressSchema.safeParse(old?.progress);
  if (progress.success && progress.data.partsSent > 0) return progress.data;
  const documentIds = Array.isArray(record.documentIds) ? record.documentIds.map(String) : [];
  return { documentIds, partsSent: documentIds.length };
}

function checkedTimeout(
  options: DeadLetterQueueOptions,
  name: "connectTimeoutMs" | "operationTimeoutMs",
): number {
  const value = options[name] ?? PRODUCER_DEFAULTS[name];
  if (!Number.isInteger(value) || value < 1) {
    throw new SmsProducerError(
      "SMS_INVALID_OPTIONS",
      `invalid dead-letter queue options: ${name}: must be an integer of at least 1, got ${String(value)}`,
    );
  }
  return value;
}

function toEntry(job: Job): DeadLetterEntry {
  return {
    id: String(job.id),
    data: job.data as DeadLetterJobData,
    addedAt: new Date(job.timestamp).toISOString(),
  };
}

/**
 * The `sms-dead-letter` queue: SMS that will not be sent, with the reason. Records have the id
 * of their `sms` job and are kept until redriven or purged.
 *
 * @example
 * const dlq = new DeadLetterQueue({ connection: process.env.REDIS_URL });
 * for (const entry of await dlq.list()) console.log(entry.id, entry.data.reason);
 * await dlq.redrive("all");
 * await dlq.close();
 */
export class DeadLetterQueue {
  private readonly access: QueueAccess;
  private readonly prefix: string;
  private readonly records: Queue;
  private readonly sms: Queue;

  constructor(options: DeadLetterQueueOptions) {
    if (typeof options !== "object" || options === null || options.connection === undefined) {
      throw new SmsProducerError(
        "SMS_INVALID_OPTIONS",
        "invalid dead-letter queue options: connection is required",
      );
    }
    const prefix = options.prefix ?? PRODUCER_DEFAULTS.prefix;
    if (typeof prefix !== "string" || prefix.length === 0) {
      throw new SmsProducerError(
        "SMS_INVALID_OPTIONS",
        `invalid dead-letter queue options: prefix: must be a non-empty string, got ${String(prefix)}`,
      );
    }
    const clusterProblem = clusterPrefixProblem(options.connection, prefix);
    if (clusterProblem) {
      throw new SmsProducerError(
        "SMS_INVALID_OPTIONS",
        `invalid dead-letter queue options: ${clusterProblem}`,
      );
    }
    this.access = new QueueAccess(options.connection, {
      connectTimeoutMs: checkedTimeout(options, "connectTimeoutMs"),
      operationTimeoutMs: checkedTimeout(options, "operationTimeoutMs"),
    });
    this.prefix = prefix;
    this.records = this.access.queue(DEAD_LETTER_QUEUE, prefix);
    this.sms = this.access.queue(SMS_QUEUE, prefix);
  }

  /**
   * Records, newest first.
   * @param options `start` and `end` are inclusive indexes, as in BullMQ; `end: -1` is the last.
   * @default { start: 0, end: -1 } (all of them)
   */
  async list(options: { start?: number; end?: number } = {}): Promise<DeadLetterEntry[]> {
    const { start = 0, end = -1 } = options;
    const jobs = await this.access.run("list dead letters", () =>
      this.records.getJobs(RECORD_STATES, start, end, false),
    );
    return jobs.filter((job): job is Job => job !== undefined && job !== null).map(toEntry);
  }

  /** How many records there are. */
  async count(): Promise<number> {
    return await this.access.run("count dead letters", () =>
      this.records.getJobCountByTypes(...RECORD_STATES),
    );
  }

  /** The record of an `sms` job id, if there is one. */
  async get(id: string): Promise<DeadLetterEntry | undefined> {
    const job = await this.access.run("read a dead letter", () => this.records.getJob(id));
    return job ? toEntry(job) : undefined;
  }

  /**
   * The delivery state of each SMS by its `sms` job id, in the order of `ids`, in one round trip.
   * Records have the id of their SMS, so this answers for dead letters (a dead SMS may have had
   * parts accepted before it died, which can still be reported `delivered` or `failed`) as well
   * as for any other SMS.
   */
  async deliveries(ids: readonly string[]): Promise<SmsDelivery[]> {
    return await this.access.run("read delivery states", () =>
      readDeliveries(this.access.client, this.prefix, ids),
    );
  }

  /**
   * Puts each SMS back on the `sms` queue under its original job id with fresh attempts, then
   * removes its record. Parts already sent (the record's `documentIds`) are written as the new
   * job's progress, so the worker does not send them again. An old `sms` job with that id is
   * removed first (BullMQ would ignore the add otherwise). One that a worker is processing right
   * now is left alone and reported in `inProgress`, record kept: the record is removed only once
   * the SMS is back on the queue. Safe to repeat: ids already redriven come back as `missing`.
   */
  async redrive(ids: string[] | "all"): Promise<RedriveResult> {
    const result: RedriveResult = { redriven: [], inProgress: [], missing: [] };
    for (const page of await this.pages(ids)) {
      for (const id of page) {
        const outcome = await this.access.run(`redrive dead letter ${id}`, () =>
          this.redriveOne(id),
        );
        result[outcome].push(id);
      }
    }
    return result;
  }

  /** Removes records for good. */
  async purge(ids: string[] | "all"): Promise<PurgeResult> {
    const result: PurgeResult = { purged: [], missing: [] };
    for (const page of await this.pages(ids)) {
      const states = await this.access.run("purge dead letters", () =>
        Promise.all(
          page.map(async (id) => {
            const state = await this.records.getJobState(id);
            if (state === "unknown") return false;
            return (await this.records.remove(id)) === 1;
          }),
        ),
      );
      page.forEach((id, index) => {
        (states[index] ? result.purged : result.missing).push(id);
      });
    }
    return result;
  }

  /** Closes the queues, and the Redis connection if this object created it. */
  async close(): Promise<void> {
    await this.access.close();
  }

  /** The ids to handle, in pages; for "all", a snapshot of every record id. */
  private async pages(ids: string[] | "all"): Promise<string[][]> {
    const all = ids === "all" ? await this.allIds() : [...new Set(ids.map(String))];
    const pages: string[][] = [];
    for (let index = 0; index < all.length; index += PAGE_SIZE) {
      pages.push(all.slice(index, index + PAGE_SIZE));
    }
    return pages;
  }

  private async allIds(): Promise<string[]> {
    const seen = new Set<string>();
    for (let start = 0; ; start += PAGE_SIZE) {
      const ids = await this.access.run("list dead letters", () =>
        this.records.getRanges(RECORD_STATES, start, start + PAGE_SIZE - 1, false),
      );
      // New records are pushed at the head, shifting pages: a Set drops the repeats.
      for (const id of ids) seen.add(id);
      if (ids.length < PAGE_SIZE) return [...seen];
    }
  }

  private async redriveOne(id: string): Promise<RedriveOutcome> {
    const record = await this.records.getJob(id);
    if (!record) return "missing";
    const data = record.data as Partial<DeadLetterJobData>;

    // State first: once it is final, the job read next cannot be older than the state.
    const state = await this.sms.getJobState(id);
    if (state === "active") return "inProgress";
    const old = state === "unknown" ? undefined : await this.sms.getJob(id);
    const progress = partsAlreadySent(old, data);
    if (old && (await this.sms.remove(id)) !== 1) {
      // A worker locked it meanwhile, or another redrive got there first.
      return await this.settle(id);
    }
    const token = newAddToken();
    const job = await this.sms.add(SMS_JOB_NAME, data.message, {
      ...SMS_JOB_DEFAULTS,
      jobId: id,
      [ADD_TOKEN_OPTION]: token,
      ...(progress.partsSent > 0 ? { delay: REDRIVE_HOLD_MS } : {}),
    } as JobsOptions);
    // BullMQ ignores an add whose id exists: a concurrent redrive or send may hold it now.
    if (wasDeduplicated(await this.sms.getJob(id), token)) return await this.settle(id);
    if (progress.partsSent > 0) {
      await job.updateProgress(progress);
      await job.promote();
    }
    await this.records.remove(id);
    return "redriven";
  }

  /** Someone else's job holds the id: the record goes only if that SMS is waiting to be sent. */
  private async settle(id: string): Promise<RedriveOutcome> {
    if (!QUEUED_STATES.has(await this.sms.getJobState(id))) return "inProgress";
    await this.records.remove(id);
    return "redriven";
  }
}
