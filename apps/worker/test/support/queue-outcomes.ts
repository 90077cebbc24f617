import { waitFor } from "@sms-relay/testing";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";

/** Queue names from the public contract; spelled out here so a rename breaks these tests. */
export const SMS_QUEUE_NAME = "sms";
export const DEAD_LETTER_QUEUE_NAME = "sms-dead-letter";

/** Return value of a completed `sms` job, as the contract describes it. */
export interface SentResult {
  documentIds: string[];
  parts: number;
  segments: number;
  encoding: string;
  sentAt: string;
}

/** Job data of `sms-dead-letter`, as the contract describes it. */
export interface DeadLetterRecord {
  v: number;
  jobId: string;
  message: { to: string; content: string; sender: string };
  reason: "rejected" | "exhausted" | "invalid";
  error: { message: string; status?: number; code?: string; body?: string };
  attemptsMade: number;
  documentIds: string[];
  failedAt: string;
}

/** Where every SMS stands, read from both queues. */
export interface Outcomes {
  /** Completed `sms` jobs by job id. */
  sent: Map<string, SentResult>;
  /** Dead-letter records by the `sms` job id they stand for. */
  dead: Map<string, DeadLetterRecord>;
  /** Dead-letter records beyond the first for one job id. */
  extraDeadLetters: DeadLetterRecord[];
  /** Counts of the `sms` queue by state. */
  counts: Record<string, number>;
}

/** What happened to a set of SMS the test expects to be finished. */
export interface OutcomeReport extends Outcomes {
  /** Expected ids that are neither sent nor dead-lettered. */
  missing: string[];
  /** Expected ids both completed and dead-lettered. */
  both: string[];
}

const UNFINISHED_STATES = [
  "waiting",
  "active",
  "delayed",
  "prioritized",
  "waiting-children",
] as const;

/** Reads the `sms` and `sms-dead-letter` queues the way an operator's tooling would. */
export class QueueOutcomes {
  readonly sms: Queue;
  readonly deadLetter: Queue;
  readonly #connection: Redis;

  constructor(redisUrl: string, prefix: string) {
    // Retry forever: the Redis restart test reads through an outage.
    this.#connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.#connection.on("error", () => {});
    this.sms = new Queue(SMS_QUEUE_NAME, { connection: this.#connection, prefix });
    this.deadLetter = new Queue(DEAD_LETTER_QUEUE_NAME, { connection: this.#connection, prefix });
    // Connection errors are expected while Redis is down; the reads retry once it is back.
    for (const queue of [this.sms, this.deadLetter]) queue.on("error", () => {});
  }

  /** Counts of the `sms` queue by state. */
  async counts(): Promise<Record<string, number>> {
    return await this.sms.getJobCounts(...UNFINISHED_STATES, "completed", "failed");
  }

  /** Jobs of the `sms` queue still waiting, delayed or in flight. */
  async unfinished(): Promise<number> {
    const counts = await this.sms.getJobCounts(...UNFINISHED_STATES);
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  async read(): Promise<Outcomes> {
    const completed: Job[] = await this.sms.getJobs(["completed"], 0, -1);
    const sent = new Map<string, SentResult>();
    for (const job of completed) {
      if (job?.id) sent.set(job.id, job.returnvalue as SentResult);
    }
    const deadJobs: Job[] = await this.deadLetter.getJobs(
      [...UNFINISHED_STATES, "completed", "failed"],
      0,
      -1,
    );
    const dead = new Map<string, DeadLetterRecord>();
    const extraDeadLetters: DeadLetterRecord[] = [];
    for (const job of deadJobs) {
      if (!job) continue;
      const record = job.data as DeadLetterRecord;
      if (dead.has(record.jobId)) extraDeadLetters.push(record);
      else dead.set(record.jobId, record);
    }
    return { sent, dead, extraDeadLetters, counts: await this.counts() };
  }

  /** Classifies `expected` ids against the queues as they are now. */
  async report(expected: Iterable<string>): Promise<OutcomeReport> {
    const outcomes = await this.read();
    const missing: string[] = [];
    const both: string[] = [];
    for (const id of expected) {
      const isSent = outcomes.sent.has(id);
      const isDead = outcomes.dead.has(id);
      if (!isSent && !isDead) missing.push(id);
      if (isSent && isDead) both.push(id);
    }
    return { ...outcomes, missing, both };
  }

  /**
   * Waits until the `sms` queue has nothing unfinished and every expected id is sent or
   * dead-lettered, then returns the report. On timeout it returns the report as it stands, so
   * the test's assertions say what is missing rather than only that time ran out.
   */
  async settle(expected: readonly string[], timeoutMs: number): Promise<OutcomeReport> {
    const deadline = Date.now() + timeoutMs;
    try {
      await waitFor(
        async () => {
          if ((await this.unfinished()) > 0) return false;
          const counts = await this.sms.getJobCounts("completed");
          const deadCounts = await this.deadLetter.getJobCounts(
            ...UNFINISHED_STATES,
            "completed",
            "failed",
          );
          const deadCount = Object.values(deadCounts).reduce((sum, n) => sum + n, 0);
          if ((counts.completed ?? 0) + deadCount < expected.length) return false;
          return (await this.report(expected)).missing.length === 0;
        },
        { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 250, description: "settle" },
      );
    } catch {
      // Fall through: the report below carries the detail.
    }
    return await this.report(expected);
  }

  /** A short account of where the given ids stand, for failure messages. */
  async describe(ids: readonly string[], limit = 10): Promise<string> {
    const lines: string[] = [];
    for (const id of ids.slice(0, limit)) {
      const state = await this.sms.getJobState(id);
      const job = await this.sms.getJob(id);
      lines.push(
        `${id}: ${state}, attemptsMade ${job?.attemptsMade}, failedReason ${job?.failedReason}`,
      );
    }
    return lines.join("\n");
  }

  async close(): Promise<void> {
    await this.sms.close();
    await this.deadLetter.close();
    this.#connection.disconnect();
  }
}
