import { context } from "@opentelemetry/api";
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
import { furthestProgress, recordProgress } from "./accepted-parts.js";
import { handleSendFailure } from "./handle-send-failure.js";
import type { ProcessorState, ProcessSmsDeps, SmsJobLike } from "./processor-types.js";
import { createRequestSender, type SendItem, secondsLeft } from "./request-sender.js";

export type {
  ProcessorState,
  ProcessSmsConfig,
  ProcessSmsDeps,
  SmsJobLike,
  SmsSender,
} from "./processor-types.js";

/** The KPN API allows at most this many messages in one send request. */
export const MAX_MESSAGES_PER_REQUEST = 200;

function readProgress(progress: unknown): SmsJobProgress {
  // A job that never sent anything has BullMQ's default progress, 0.
  if (typeof progress !== "object" || progress === null) return { documentIds: [], partsSent: 0 };
  const parsed = smsJobProgressSchema.safeParse(progress);
  return parsed.success ? parsed.data : { documentIds: [], partsSent: 0 };
}

/**
 * Sends one SMS job: validates it, plans its parts, and sends the parts not sent before, in
 * order, in one API request. Each document id is recorded on the job the moment the API returns
 * it, so a retry never resends an accepted part; if Redis refuses that write, the ids are kept in
 * this process and the job still completes. What a failure means is decided in one place
 * (`decideFailure`); the error thrown tells BullMQ what to do with the job.
 */
export async function processSms(job: SmsJobLike, deps: ProcessSmsDeps): Promise<SmsJobResult> {
  const { config, logger, metrics } = deps;
  const jobId = job.id ?? "unknown";
  const failureDeps = (
    deps.state === undefined ? { ...deps, state: { configFailures: 0 } } : deps
  ) as ProcessSmsDeps & { state: ProcessorState };

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

  const expiresAt = data.expiresAt === undefined ? undefined : Date.parse(data.expiresAt);
  let progress = furthestProgress(readProgress(job.progress), deps.acceptedParts?.get(jobId));
  const masked = maskMobileNumber(data.to);
  const started = Date.now();
  // When the API accepted the last part sent by this attempt: the SMS's "sent" moment.
  let acceptedAt: number | undefined;
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
    const failure = (error: unknown) =>
      handleSendFailure(
        {
          error,
          job,
          message: data,
          maskedTo: masked,
          documentIds: progress.documentIds,
        },
        failureDeps,
      );
    if (secondsLeft(expiresAt) < 1) {
      throw await giveUpExpired(job, deps, data, progress.documentIds, masked);
    }
    const item: SendItem = {
      jobId,
      to: data.to,
      sender,
      parts: chunk,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(data.callbackUrl && deps.statusCallbacks ? { callbackUrl: data.callbackUrl } : {}),
      // BullMQ runs the processor inside the job's `process sms` span.
      ...(deps.tracer ? { traceContext: context.active() } : {}),
    };
    const outcome = deps.requests
      ? await deps.requests.send(item)
      : ((await createRequestSender(deps)([item], deps.signal)).get(item) ?? {
          kind: "failed" as const,
          error: new Error("the request gave this SMS no outcome"),
        });
    if (outcome.kind === "aborted") throw Worker.RateLimitError();
    if (outcome.kind === "expired") {
      throw await giveUpExpired(job, deps, data, progress.documentIds, masked);
    }
    if (outcome.kind === "failed") throw await failure(outcome.error);
    const { documentId } = outcome;
    acceptedAt = outcome.acceptedAt;
    progress = {
      documentIds: [...progress.documentIds, documentId],
      partsSent: progress.partsSent + chunk.length,
    };
    // From here on nothing may resend these parts: a failed write is tried again, then the ids
    // are kept in this process, and the job completes with them in its return value.
    const current = progress;
    const recordError = await recordProgress(
      () =>
        deps.progressWriter
          ? deps.progressWriter.write(jobId, current)
          : job.updateProgress(current),
      deps.recordDelaysMs === undefined ? {} : { delaysMs: deps.recordDelaysMs },
    );
    if (recordError !== undefined) {
      deps.acceptedParts?.remember(jobId, current);
      metrics?.ambiguousFailures.inc();
      logger.error(
        {
          jobId,
          to: masked,
          documentIds: current.documentIds,
          err: {
            message: recordError instanceof Error ? recordError.message : String(recordError),
          },
        },
        "could not record the document id in Redis: kept in this worker, which will not send it again; another worker that takes the job may send it twice",
      );
    }
  }

  if (failureDeps.state.configFailures > 0) {
    failureDeps.state.configFailures = 0;
    deps.readiness?.setKpnFault(undefined);
    logger.info("KPN API accepts our sends again");
  }
  metrics?.sent.inc();
  metrics?.segmentsSent.inc(plan.segments);
  // Once per SMS, however many SMS shared its request. Not for a job whose parts were all
  // accepted by an earlier attempt: when that was is not known.
  if (metrics && acceptedAt !== undefined && job.timestamp !== undefined) {
    const dueAt = job.timestamp + (job.opts.delay ?? 0);
    metrics.enqueueToSent.observe(Math.max(0, acceptedAt - dueAt) / 1000);
  }
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
  if (data.callbackUrl && deps.statusCallbacks) {
    await deps.statusCallbacks.enqueue(data.callbackUrl, {
      id: jobId,
      event: "sent",
      state: "sent",
      delivery: { state: "unknown" },
      documentIds: result.documentIds,
      to: data.to,
      at: result.sentAt,
    });
  }
  return result;
}

/** Dead-letters an SMS whose `expiresAt` has passed (the API is not called) and returns the error to throw. */
async function giveUpExpired(
  job: SmsJobLike,
  deps: ProcessSmsDeps,
  data: SmsJobData,
  documentIds: string[],
  maskedTo: string,
): Promise<Error> {
  const message = `expired at ${data.expiresAt} before it could be sent`;
  await deps.deadLetter({
    jobId: job.id ?? "unknown",
    message: data,
    reason: "expired",
    error: { message, code: "SMS_EXPIRED" },
    attemptsMade: job.attemptsMade + 1,
    documentIds,
  });
  deps.logger.debug({ jobId: job.id, to: maskedTo }, "sms expired before it was sent");
  return new UnrecoverableError(message);
}

async function giveUpInvalid(
  job: SmsJobLike,
  deps: ProcessSmsDeps,
  message: string,
  code: string,
): Promise<void> {
  await deps.deadLetter({
    jobId: job.id ?? "unknown",
    message: job.data,
    reason: "invalid",
    error: { message, code },
    attemptsMade: job.attemptsMade + 1,
    documentIds: readProgress(job.progress).documentIds,
  });
}
