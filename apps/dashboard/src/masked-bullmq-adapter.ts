import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import type { Job, Queue } from "bullmq";
import { maskNumbersInText, maskPhoneNumbers } from "./mask-phone-numbers.js";

type JobStatuses = Parameters<BullMQAdapter["getJobs"]>[0];

/** What a job shows when its failure text is masked as well as its data. */
function withMaskedFailure(job: Job): Job {
  const toJSON = job.toJSON.bind(job);
  Object.defineProperty(job, "toJSON", {
    configurable: true,
    value: () => {
      const json = toJSON();
      return {
        ...json,
        failedReason: json.failedReason ? maskNumbersInText(json.failedReason) : json.failedReason,
        stacktrace: Array.isArray(json.stacktrace)
          ? json.stacktrace.map((line) => (line ? maskNumbersInText(line) : line))
          : json.stacktrace,
      };
    },
  });
  return job;
}

/**
 * bull-board's BullMQ adapter with every phone number masked in what the board shows: job data,
 * name and return value through bull-board's formatters, and failure reasons, stack traces and
 * job logs, which the formatters do not reach.
 */
export class MaskedBullMQAdapter extends BullMQAdapter {
  constructor(queue: Queue, options: { readOnly: boolean; displayName?: string }) {
    super(queue, {
      readOnlyMode: options.readOnly,
      allowRetries: !options.readOnly,
      ...(options.displayName ? { displayName: options.displayName } : {}),
    });
    this.setFormatter("data", (data: unknown) => maskPhoneNumbers(data));
    this.setFormatter("returnValue", (value: unknown) => maskPhoneNumbers(value));
    this.setFormatter("name", (job: { name?: unknown }) =>
      typeof job.name === "string" ? maskNumbersInText(job.name) : "",
    );
  }

  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    return job ? withMaskedFailure(job) : job;
  }

  override async getJobs(statuses: JobStatuses, start?: number, end?: number): Promise<Job[]> {
    const jobs = await super.getJobs(statuses, start, end);
    return jobs.map((job) => (job ? withMaskedFailure(job) : job));
  }

  override async getJobLogs(id: string): Promise<string[]> {
    const logs = await super.getJobLogs(id);
    return logs.map(maskNumbersInText);
  }
}
