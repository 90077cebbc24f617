import { planMessage } from "@sms-relay/sms";
import type { Job, JobsOptions, Queue } from "bullmq";
import { QueueAccess } from "./connection.js";
import { DeadLetterQueue } from "./dead-letter-queue.js";
import { readDelivery } from "./delivery-read.js";
import { SmsValidationError } from "./errors.js";
import { ADD_TOKEN_OPTION, newAddToken, wasDeduplicated } from "./idempotency.js";
import { indexBeforeAdd } from "./index-on-add.js";
import { smsJobDataSchema } from "./job-schemas.js";
import {
  type ResolvedProducerOptions,
  resolveProducerOptions,
  type SmsProducerOptions,
} from "./producer-options.js";
import { SMS_JOB_NAME, SMS_QUEUE } from "./queue-names.js";
import {
  type PreparedSend,
  prepareSend,
  type SendSmsInput,
  type SendSmsReceipt,
} from "./send-input.js";
import { type SmsStatus, toSmsStatus } from "./sms-status.js";

/** Outcome of {@link SmsProducer.sendMany}. */
export interface SendManyResult {
  /** Receipts of the valid inputs, in input order. */
  accepted: SendSmsReceipt[];
  /** Each invalid input by its index in the input array; none of these was enqueued. */
  rejected: Array<{ index: number; error: SmsValidationError }>;
}

/** `addBulk` sends everything in one pipeline; chunks keep one call's memory bounded. */
const BULK_CHUNK = 500;

interface PlannedAdd {
  prepared: PreparedSend;
  token: string | undefined;
}

/**
 * Enqueues SMS for the worker and reports on them.
 *
 * Input is validated before anything reaches Redis; bad input throws {@link SmsValidationError}.
 * Redis failures throw {@link SmsProducerError} with code `SMS_QUEUE_UNAVAILABLE`.
 *
 * @example
 * const sms = new SmsProducer({ connection: "redis://127.0.0.1:6379", defaultSender: "MyShop" });
 * const receipt = await sms.send({ to: "06 12345678", content: "Hallo!", idempotencyKey: "order-42" });
 * const status = await sms.status(receipt.id);
 * await sms.close();
 */
export class SmsProducer {
  /** The dead-letter queue on the same connection and prefix. */
  readonly deadLetters: DeadLetterQueue;
  private readonly options: ResolvedProducerOptions;
  private readonly access: QueueAccess;
  private readonly queue: Queue;

  constructor(options: SmsProducerOptions) {
    this.options = resolveProducerOptions(options);
    this.access = new QueueAccess(this.options.connection, this.options);
    this.queue = this.access.queue(SMS_QUEUE, this.options.prefix, this.options.telemetry);
    this.deadLetters = new DeadLetterQueue({
      connection: this.access.client,
      prefix: this.options.prefix,
      connectTimeoutMs: this.options.connectTimeoutMs,
      operationTimeoutMs: this.options.operationTimeoutMs,
    });
  }

  /**
   * Validates and enqueues one SMS. With an `idempotencyKey` that an earlier send already used
   * (and whose job is still kept), nothing new is enqueued and the receipt carries the earlier
   * job's id and `deduplicated: true`.
   *
   * Fails with `SMS_QUEUE_UNAVAILABLE` when Redis is away or does not answer within
   * `operationTimeoutMs`. Such a send may still be enqueued once Redis answers: retry it with the
   * same `idempotencyKey`, which then reports `deduplicated: true` rather than adding a second SMS.
   */
  async send(input: SendSmsInput): Promise<SendSmsReceipt> {
    const planned = this.plan(prepareSend(input, this.options));
    const [receipt] = await this.add([planned]);
    return receipt!;
  }

  /**
   * Validates every input, enqueues all valid ones with one `addBulk`, and reports each invalid
   * one by index. Idempotency keys dedupe here too, also between items of one call.
   *
   * Each chunk of 500 is one Redis step bounded by `operationTimeoutMs`; on a failure the chunks
   * before it stay enqueued and the call throws, so give the items idempotency keys to retry it.
   */
  async sendMany(inputs: readonly SendSmsInput[]): Promise<SendManyResult> {
    if (!Array.isArray(inputs)) {
      throw new SmsValidationError([{ code: "custom", path: [], message: "expected an array" }]);
    }
    const planned: PlannedAdd[] = [];
    const rejected: SendManyResult["rejected"] = [];
    inputs.forEach((input, index) => {
      try {
        planned.push(this.plan(prepareSend(input, this.options)));
      } catch (error) {
        if (!(error instanceof SmsValidationError)) throw error;
        rejected.push({ index, error });
      }
    });
    const accepted: SendSmsReceipt[] = [];
    for (let start = 0; start < planned.length; start += BULK_CHUNK) {
      accepted.push(...(await this.add(planned.slice(start, start + BULK_CHUNK))));
    }
    return { accepted, rejected };
  }

  /** Where the SMS with this job id is; `unknown` when there is no such job. */
  async status(id: string): Promise<SmsStatus> {
    const jobId = String(id);
    return await this.access.run("read the status of an SMS", async () => {
      // State first: once it is final, the job read next cannot be older than the state.
      const state = await this.queue.getJobState(jobId);
      const job = state === "unknown" ? undefined : await this.queue.getJob(jobId);
      const final = !job || state === "failed" || state === "completed";
      const [record, delivery] = await Promise.all([
        final ? this.deadLetters.get(jobId) : undefined,
        readDelivery(this.access.client, this.options.prefix, jobId),
      ]);
      return { ...toSmsStatus(jobId, job, job ? state : "unknown", record), delivery };
    });
  }

  /** Closes the queues, and the Redis connection if the producer created it. */
  async close(): Promise<void> {
    await this.deadLetters.close();
    await this.access.close();
  }

  private plan(prepared: PreparedSend): PlannedAdd {
    return {
      prepared,
      token: prepared.data.idempotencyKey === undefined ? undefined : newAddToken(),
    };
  }

  private async add(batch: PlannedAdd[]): Promise<SendSmsReceipt[]> {
    const jobs = batch.map(({ prepared, token }) => ({
      name: SMS_JOB_NAME,
      data: prepared.data,
      opts: (token === undefined
        ? prepared.options
        : { ...prepared.options, [ADD_TOKEN_OPTION]: token }) as JobsOptions,
    }));
    const what = batch.length === 1 ? "enqueue an SMS" : `enqueue ${batch.length} SMS`;
    return await this.access.run(what, async () => {
      const { client } = this.access;
      const { prefix, keepCompletedSeconds } = this.options;
      const prepared = batch.map((planned) => planned.prepared);
      const indexed = indexBeforeAdd(client, prefix, keepCompletedSeconds, prepared);
      if (jobs.length === 1) await this.queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
      else await this.queue.addBulk(jobs);
      await indexed;
      return await Promise.all(batch.map((planned) => this.receipt(planned)));
    });
  }

  private async receipt({ prepared, token }: PlannedAdd): Promise<SendSmsReceipt> {
    if (token === undefined) return { ...prepared.receipt, deduplicated: false };
    const stored = await this.queue.getJob(prepared.jobId);
    if (!wasDeduplicated(stored, token)) return { ...prepared.receipt, deduplicated: false };
    return { ...this.storedReceipt(stored as Job, prepared), deduplicated: true };
  }

  /** The receipt of the job an earlier send created, so every caller of a key sees the same. */
  private storedReceipt(stored: Job, prepared: PreparedSend): Omit<SendSmsReceipt, "deduplicated"> {
    const data = smsJobDataSchema.safeParse(stored.data);
    if (!data.success) return prepared.receipt;
    const plan = planMessage(data.data.content, this.options.maxContentLength);
    return {
      id: prepared.jobId,
      to: data.data.to,
      parts: plan.parts.length,
      segments: plan.segments,
      encoding: plan.encoding,
    };
  }
}
