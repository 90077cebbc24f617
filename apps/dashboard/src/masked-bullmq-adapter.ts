import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import type { SmsDelivery } from "@sms-relay/producer";
import type { Job, Queue } from "bullmq";
import { describeDelivery } from "./describe-delivery.js";
import { maskNumbersInText, maskPhoneNumbers } from "./mask-phone-numbers.js";

type JobStatuses = Parameters<BullMQAdapter["getJobs"]>[0];

/** Reads the delivery state of each SMS by job id, in the order of the ids, in one round trip. */
export type DeliveryReader = (jobIds: string[]) => Promise<SmsDelivery[]>;

/** Options of {@link MaskedBullMQAdapter}. */
export interface MaskedBullMQAdapterOptions {
  /** Hide bull-board's write buttons (retry, clean, …). */
  readOnly: boolean;
  /** Name of the queue in the board. @default the queue's name */
  displayName?: string;
  /**
   * Where each job's delivery state comes from (jobs whose id is an SMS's id: `sms` jobs and
   * their dead-letter records). Given, every job shows it after its name, `sms · delivery:
   * delivered (code 000, 2025-…)`. @default none shown
   */
  deliveries?: DeliveryReader;
  /**
   * Whether workers consume this queue. `false` (the dead-letter queue, which no worker reads by
   * design) reports its workers as unknown, so bull-board shows no "No workers" warning for it
   * and leaves its workers section out. @default true
   */
  expectsWorkers?: boolean;
  /** One line under the queue's name in the board. @default none */
  description?: string;
}

/**
 * What a job shows: its failure text masked as well as its data, and its delivery state (read
 * beforehand, as `toJSON` is synchronous) for the name formatter.
 */
function presented(job: Job, delivery: SmsDelivery | undefined): Job {
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
        ...(delivery ? { delivery } : {}),
      };
    },
  });
  return job;
}

/**
 * bull-board's BullMQ adapter with every phone number masked in what the board shows: job data,
 * name and return value through bull-board's formatters, and failure reasons, stack traces and
 * job logs, which the formatters do not reach. With `deliveries`, each job's name also tells its
 * delivery state, read for a whole page of jobs in one round trip.
 */
export class MaskedBullMQAdapter extends BullMQAdapter {
  private readonly deliveries: DeliveryReader | undefined;
  private readonly expectsWorkers: boolean;

  constructor(queue: Queue, options: MaskedBullMQAdapterOptions) {
    super(queue, {
      readOnlyMode: options.readOnly,
      allowRetries: !options.readOnly,
      ...(options.displayName ? { displayName: options.displayName } : {}),
      ...(options.description ? { description: options.description } : {}),
    });
    this.deliveries = options.deliveries;
    this.expectsWorkers = options.expectsWorkers ?? true;
    this.setFormatter("data", (data: unknown) => maskPhoneNumbers(data));
    this.setFormatter("returnValue", (value: unknown) => maskPhoneNumbers(value));
    // bull-board hands the name formatter the whole job, so it can see the delivery too.
    this.setFormatter("name", (job: { name?: unknown; delivery?: SmsDelivery }) => {
      const name = typeof job.name === "string" ? job.name : "";
      const shown = job.delivery ? `${name} · ${describeDelivery(job.delivery)}` : name;
      return maskNumbersInText(shown);
    });
  }

  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    if (!job) return job;
    const [delivery] = await this.readDeliveries([job]);
    return presented(job, delivery);
  }

  override async getJobs(statuses: JobStatuses, start?: number, end?: number): Promise<Job[]> {
    const jobs = (await super.getJobs(statuses, start, end)).filter(Boolean);
    const deliveries = await this.readDeliveries(jobs);
    return jobs.map((job, index) => presented(job, deliveries[index]));
  }

  // bull-board warns of a queue whose worker list is empty; `null` means "no notion of workers".
  override async getWorkers(): ReturnType<BullMQAdapter["getWorkers"]> {
    return this.expectsWorkers ? await super.getWorkers() : null;
  }

  override async getJobLogs(id: string): Promise<string[]> {
    const logs = await super.getJobLogs(id);
    return logs.map(maskNumbersInText);
  }

  private async readDeliveries(jobs: Job[]): Promise<(SmsDelivery | undefined)[]> {
    if (!this.deliveries || jobs.length === 0) return [];
    return await this.deliveries(jobs.map((job) => String(job.id)));
  }
}
