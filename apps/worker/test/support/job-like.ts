import type { SmsJobProgress } from "@sms-relay/producer";
import type { SmsJobLike } from "../../src/process-sms.js";

/** A job as the processor sees it, with its recorded progress kept for assertions. */
export interface TestJob extends SmsJobLike {
  progress: unknown;
  progressUpdates: SmsJobProgress[];
}

export function makeJob(
  data: unknown,
  options: {
    id?: string;
    attemptsMade?: number;
    attemptsStarted?: number;
    progress?: unknown;
    attempts?: number;
  } = {},
): TestJob {
  const attemptsMade = options.attemptsMade ?? 0;
  const job: TestJob = {
    id: options.id ?? `job-${Math.random().toString(36).slice(2)}`,
    data,
    attemptsMade,
    attemptsStarted: options.attemptsStarted ?? attemptsMade + 1,
    progress: options.progress ?? 0,
    opts: { attempts: options.attempts ?? 100 },
    progressUpdates: [],
    async updateProgress(progress) {
      job.progress = progress;
      job.progressUpdates.push(progress);
    },
  };
  return job;
}

/** Valid `sms` job data. */
export function smsData(overrides: Record<string, unknown> = {}) {
  return {
    v: 1,
    to: "+31612345678",
    content: "Hallo!",
    sender: "RelayTest",
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}
