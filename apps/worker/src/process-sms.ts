import {
  formatZodIssues,
  type SmsJobData,
  type SmsJobProgress,
  type SmsJobResult,
  smsJobDataSchema,
  smsJobProgressSchema,
} from "@sms-relay/producer";
import { maskMobileNumber, planMessage } from "@sms-relay/sms";
import { UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "pino";
import { classifySendFailure, type FailureHandlingDeps } from "./classify-failure.js";
import type { DeadLetterWriter } from "./dead-letter.js";
import type { WorkerConfig } from "./env.js";
import type { WorkerMetrics } from "./metrics.js";
import {
  type RateLimiter,
  type RateLimitPermit,
  RateLimitWaitAbortedError,
} from "./rate-limiter.js";
import type { Readiness } from "./readiness.js";

/** The KPN API allows at most this many messages in one send request. */
export const MAX_MESSAGES_PER_REQUEST = 200;

/** The parts of a BullMQ job the processor uses, so tests can hand it a plain object. */
export interface SmsJobLike {
  readonly id?: string | undefined;
  readonly data: unknown;
  /** Attempts finished before this one. */
  readonly attemptsMade: number;
  /** Times the job was taken, this one included (deferrals and stalls count too). */
  readonly attemptsStarted: number;
  readonly progress: unknown;
  readonly opts: { readonly attempts?: number | undefined };
  updateProgress(progress: SmsJobProgress): Promise<void>;
}

/** What {@link processSms} needs from the KPN client. */
export interface SmsSender {
  send(request: {
    sender: string;
    messages: { content: string; mobileNumber: string }[];
  }): Promise<{ documentId: string }>;
  /** Fetches (or refreshes) the access token ahead of a rate-limited send. @default not called */
  getAccessToken?(): Promise<string>;
}

/** Settings of the processor, from the worker configuration. */
export type ProcessSmsConfig = Pick<
  WorkerConfig,
  | "kpnMaxContentLength"
  | "maxSegments"
  | "maxAttempts"
  | "defaultSender"
  | "backoffMs"
  | "backoffMaxMs"
>;

/** State shared by every job of one worker: the run of consecutive authentication failures. */
export interface ProcessorState {
  authFailures: number;
}

/** Dependencies of {@link processSms}. */
export interface ProcessSmsDeps {
  config: ProcessSmsConfig;
  kpn: SmsSender;
  deadLetter: DeadLetterWriter;
  /** Stops every worker of the queue from taking jobs for this long (BullMQ's queue rate limit). */
  pauseQueue(ms: number): Promise<void>;
  logger: Logger;
  /** Shapes sends to `SMS_RATE_LIMIT_PER_SECOND`. @default no limit */
  rateLimiter?: RateLimiter;
  /** @default no metrics */
  metrics?: WorkerMetrics;
  /** Told about persistent authentication failures. @default none */
  readiness?: Readiness;
  /** Shared across jobs of one worker. @default a fresh state per call */
  state?: ProcessorState;
  /** Aborts waiting for the rate limiter (shutdown); a job that has not sent yet goes back. */
  signal?: AbortSignal;
}

function readProgress(progress: unknown): SmsJobProgress {
  const parsed = smsJobProgressSchema.safeParse(progress);
  return parsed.success ? parsed.data : { documentIds: [], partsSent: 0 };
}

/**
 * Sends one SMS job: validates it, plans its parts, and sends the parts not sent before, in
 * order, in one API request. Each document id is recorded on the job the moment the API returns
 * it, so a retry never resends an accepted part. Failures are classified in one place
 * ({@link classifySendFailure}); what it throws tells BullMQ what to do with the job.
 */
export async function processSms(job: SmsJobLike, deps: ProcessSmsDeps): Promise<SmsJobResult> {
  const { config, logger, metrics } = deps;
  const jobId = job.id ?? "unknown";
  const failureDeps: FailureHandlingDeps = {
    ...deps,
    state: deps.state ?? { authFailures: 0 },
  };

  const parsed = smsJobDataSchema.safeParse(job.data);
  if (!parsed.success) {
    const message = `invalid job data: ${formatZodIssues(parsed.error.issues)}`;
    await giveUpInvalid(job, deps, message, "SMS_INVALID_JOB_DATA");
    throw new UnrecoverableError(message);
  }
  const data: SmsJobData = parsed.data;
  const sender = data.sender || config.defaultSender;
  const plan = planMessage(data.content, config.kpnMaxContentLength);
  if (plan.parts.length === 0) {
    const message = "invalid job data: content is empty";
    await giveUpInvalid(job, deps, message, "SMS_EMPTY_CONTENT");
    throw new UnrecoverableError(message);
  }
  if (plan.segments > config.maxSegments) {
    const message = `invalid job data: content needs ${plan.segments} segments, more than SMS_MAX_SEGMENTS (${config.maxSegments})`;
    await giveUpInvalid(job, deps, message, "SMS_TOO_MANY_SEGMENTS");
    throw new UnrecoverableError(message);
  }

  let progress = readProgress(job.progress);
  const masked = maskMobileNumber(data.to);
  const started = Date.now();
  if (progress.partsSent > 0) {
    logger.info(
      { jobId, to: masked, partsSent: progress.partsSent, documentIds: progress.documentIds },
      "resuming SMS: parts already accepted are not sent again",
    );
  }

  while (progress.partsSent < plan.parts.length) {
    const chunk = plan.parts.slice(
      progress.partsSent,
      progress.partsSent + MAX_MESSAGES_PER_REQUEST,
    );
    const failureContext = () => ({
      job,
      deps: failureDeps,
      message: data,
      maskedTo: masked,
      documentIds: progress.documentIds,
      requestSeconds: 0,
    });
    if (deps.rateLimiter && deps.kpn.getAccessToken) {
      // A token fetch between taking a rate-limit slot and sending would delay the send and
      // bunch it up with later ones at the API; fetch (or refresh) it first.
      try {
        await deps.kpn.getAccessToken();
      } catch (error) {
        throw await classifySendFailure(error, failureContext());
      }
    }
    let permit: RateLimitPermit | undefined;
    try {
      permit = await deps.rateLimiter?.acquire(deps.signal);
    } catch (error) {
      if (error instanceof RateLimitWaitAbortedError) throw Worker.RateLimitError();
      throw error;
    }
    const requestStarted = performance.now();
    let documentId: string;
    try {
      const response = await deps.kpn.send({
        sender,
        messages: chunk.map((content) => ({ content, mobileNumber: data.to })),
      });
      documentId = response.documentId;
    } catch (error) {
      await permit?.release().catch(() => {});
      throw await classifySendFailure(error, {
        ...failureContext(),
        requestSeconds: (performance.now() - requestStarted) / 1000,
      });
    }
    // A lost release only keeps the slot a little longer (until its hold runs out).
    const released = permit?.release().catch(() => {});
    // Recorded before anything else can fail: this is what keeps a retry from resending.
    progress = {
      documentIds: [...progress.documentIds, documentId],
      partsSent: progress.partsSent + chunk.length,
    };
    await job.updateProgress(progress);
    metrics?.requestDuration.observe(
      { outcome: "ok" },
      (performance.now() - requestStarted) / 1000,
    );
    await released;
  }

  if (failureDeps.state.authFailures > 0) {
    failureDeps.state.authFailures = 0;
    deps.readiness?.setAuthFailing(false);
    logger.info("KPN API accepts our credentials again");
  }
  metrics?.sent.inc();
  metrics?.segmentsSent.inc(plan.segments);
  const result: SmsJobResult = {
    documentIds: progress.documentIds,
    parts: plan.parts.length,
    segments: plan.segments,
    encoding: plan.encoding,
    sentAt: new Date().toISOString(),
  };
  logger.info(
    {
      jobId,
      to: masked,
      sender,
      parts: result.parts,
      segments: result.segments,
      encoding: result.encoding,
      documentIds: result.documentIds,
      durationMs: Date.now() - started,
      attempt: job.attemptsMade + 1,
    },
    "sms sent",
  );
  logger.debug({ jobId, content: data.content }, "sms content");
  return result;
}

async function giveUpInvalid(
  job: SmsJobLike,
  deps: ProcessSmsDeps,
  message: string,
  code: string,
): Promise<void> {
  const jobId = job.id ?? "unknown";
  const added = await deps.deadLetter({
    jobId,
    message: job.data,
    reason: "invalid",
    error: { message, code },
    attemptsMade: job.attemptsMade + 1,
    documentIds: readProgress(job.progress).documentIds,
  });
  deps.metrics?.failed.inc({ reason: "invalid" });
  if (added) deps.metrics?.deadLettered.inc({ reason: "invalid" });
  deps.logger.warn({ jobId, reason: "invalid", code, error: message }, "sms dead-lettered");
}
