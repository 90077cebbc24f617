import { type Context, SpanStatusCode } from "@opentelemetry/api";
import { isKpnError } from "@sms-relay/kpn-client";
import { recordProgress } from "./accepted-parts.js";
import type { DeliveryReference } from "./delivery-references.js";
import { failureFacts } from "./handle-send-failure.js";
import type { ProcessSmsDeps } from "./processor-types.js";
import { type RateLimitPermit, RateLimitWaitAbortedError } from "./rate-limiter.js";
import { type RequestTrace, startRequestSpan } from "./tracing.js";

/** One SMS (or the parts of it still to send) on its way into a request. */
export interface SendItem {
  jobId: string;
  /** Recipient in E.164. */
  to: string;
  sender: string;
  /** The parts to send, in order; all go in the same request. */
  parts: readonly string[];
  /** Epoch ms after which the SMS must not be sent. */
  expiresAt?: number;
  /** Set when the SMS asked for status callbacks and the worker sends them. */
  callbackUrl?: string;
  /** With traces on: the context of its job's span, which its request's span continues. */
  traceContext?: Context;
}

/** What became of one item. */
export type SendOutcome =
  /** The API accepted the request that carried it, at `acceptedAt` (epoch ms). */
  | { kind: "sent"; documentId: string; requestSeconds: number; acceptedAt: number }
  /** Its expiry came before it could go out: it was not sent. */
  | { kind: "expired" }
  /** The request failed (or never went out); the error decides, per SMS, what happens next. */
  | { kind: "failed"; error: unknown; requestSeconds?: number }
  /** The wait for a rate-limit slot was aborted (shutdown, cancel): it was not sent. */
  | { kind: "aborted" };

/** What {@link createRequestSender} needs of the processor's dependencies. */
export type RequestSenderDeps = Pick<
  ProcessSmsDeps,
  "kpn" | "rateLimiter" | "deliveryReferences" | "logger" | "metrics" | "recordDelaysMs" | "tracer"
>;

/** What a request waits for before it may go out: the token and a rate-limit slot. */
export type RequestSlot =
  | { kind: "ready"; permit: RateLimitPermit | undefined }
  | { kind: "aborted" }
  | { kind: "failed"; error: unknown };

/** Sends one group of items as one API request (or, when it is refused, as smaller ones). */
export interface RequestSender {
  /**
   * Sends `items` in one request. With a `slot` from {@link RequestSender.prepare} it goes at
   * once; without, it waits for its own.
   */
  (
    items: readonly SendItem[],
    signal?: AbortSignal,
    slot?: RequestSlot,
  ): Promise<Map<SendItem, SendOutcome>>;
  /**
   * Waits for what a request needs before it may go out (a fresh token, a rate-limit slot), so
   * that a batch can go on taking SMS meanwhile. `undefined` when there is nothing to wait for.
   */
  prepare(signal?: AbortSignal): Promise<RequestSlot> | undefined;
}

/** Whole seconds until `expiresAt` (never rounded up, so no request outlives it); Infinity without. */
export function secondsLeft(expiresAt: number | undefined, now = Date.now()): number {
  return expiresAt === undefined ? Number.POSITIVE_INFINITY : Math.floor((expiresAt - now) / 1000);
}

function everyOne(items: readonly SendItem[], outcome: SendOutcome): Map<SendItem, SendOutcome> {
  return new Map(items.map((item) => [item, outcome]));
}

/** A refusal of the request's content (a 400, a validation error): some SMS in it are at fault. */
function isRefusal(error: unknown): boolean {
  return isKpnError(error) && error.code === "KPN_REJECTED";
}

/**
 * The request path of every send: fetches the token ahead of a rate-limited send, takes one
 * rate-limit slot per request, leaves out what expired while waiting, names the request for
 * delivery reports, sends, and gives every item its outcome. A refusal of a request with several
 * SMS is narrowed down by sending each half on its own (each half a request of its own, with its
 * own slot), so that only the refused SMS fail and every other one is sent once.
 */
export function createRequestSender(deps: RequestSenderDeps): RequestSender {
  const limited = deps.rateLimiter?.limits ?? false;

  async function prepare(signal: AbortSignal | undefined): Promise<RequestSlot> {
    if (deps.kpn.getAccessToken) {
      // A token fetch between taking a rate-limit slot and sending would hold the slot for
      // longer than the send needs; fetch (or refresh) it first.
      try {
        await deps.kpn.getAccessToken();
      } catch (error) {
        return { kind: "failed", error };
      }
    }
    try {
      return { kind: "ready", permit: await deps.rateLimiter?.acquire(signal) };
    } catch (error) {
      if (error instanceof RateLimitWaitAbortedError) return { kind: "aborted" };
      return { kind: "failed", error };
    }
  }

  const send = async (
    items: readonly SendItem[],
    signal?: AbortSignal,
    given?: RequestSlot,
  ): Promise<Map<SendItem, SendOutcome>> => {
    if (items.length === 0) return new Map();
    const slot = given ?? (limited ? await prepare(signal) : undefined);
    if (slot?.kind === "aborted") return everyOne(items, { kind: "aborted" });
    if (slot?.kind === "failed") return everyOne(items, { kind: "failed", error: slot.error });
    const permit = slot?.permit;
    const release = () => permit?.release().catch(() => {});
    // Checked at the last moment: the wait for a slot may have used the time up.
    const now = Date.now();
    const outcomes = new Map<SendItem, SendOutcome>();
    const live: SendItem[] = [];
    let expireInSeconds = Number.POSITIVE_INFINITY;
    for (const item of items) {
      const left = secondsLeft(item.expiresAt, now);
      if (left < 1) outcomes.set(item, { kind: "expired" });
      else {
        live.push(item);
        expireInSeconds = Math.min(expireInSeconds, left);
      }
    }
    if (live.length === 0) {
      await release();
      return outcomes;
    }
    const traced: RequestTrace | undefined = deps.tracer && startRequestSpan(deps.tracer, live);
    let reference: DeliveryReference | undefined;
    if (deps.deliveryReferences) {
      try {
        const callbacks = new Map<string, string>();
        for (const item of live) if (item.callbackUrl) callbacks.set(item.jobId, item.callbackUrl);
        reference = deps.deliveryReferences.register(
          new Map(live.map((item) => [item.to, item.jobId])),
          callbacks.size > 0 ? callbacks : undefined,
          traced,
        );
      } catch (error) {
        await release();
        endRequestSpan(traced, error);
        for (const item of live) outcomes.set(item, { kind: "failed", error });
        return outcomes;
      }
    }
    const started = performance.now();
    try {
      const { documentId } = await deps.kpn.send({
        sender: live[0]!.sender,
        messages: live.flatMap((item) =>
          item.parts.map((content) => ({ content, mobileNumber: item.to })),
        ),
        ...(Number.isFinite(expireInSeconds) ? { expireInSeconds } : {}),
        ...(reference === undefined ? {} : { webhookUrl: reference.webhookUrl }),
        // The rate limit counts the request from the moment it leaves, not from the answer.
        onWrite: () => permit?.sent(),
      });
      const acceptedAt = Date.now();
      const requestSeconds = (performance.now() - started) / 1000;
      deps.metrics?.requestDuration.observe({ outcome: "ok" }, requestSeconds);
      // A lost release only keeps the slot a little longer (until its hold runs out).
      void release();
      if (reference) void ensureReferenceRecorded(reference, live, deps);
      traced?.span.setAttribute("sms_relay.document_id", documentId);
      endRequestSpan(traced);
      for (const item of live) {
        outcomes.set(item, { kind: "sent", documentId, requestSeconds, acceptedAt });
      }
      return outcomes;
    } catch (error) {
      const requestSeconds = (performance.now() - started) / 1000;
      await release();
      const kind = failureFacts(error).kind;
      deps.metrics?.requestDuration.observe({ outcome: kind }, requestSeconds);
      // Once per 429 answer, however many SMS the request carried (each is put back).
      if (kind === "rate_limited") deps.metrics?.rateLimited.inc();
      endRequestSpan(traced, error);
      if (live.length > 1 && isRefusal(error)) {
        deps.logger.info(
          { sms: live.length, code: isKpnError(error) ? error.code : undefined },
          "request refused: sending its halves apart to find the SMS at fault",
        );
        const half = Math.ceil(live.length / 2);
        const [first, second] = await Promise.all([
          send(live.slice(0, half), signal),
          send(live.slice(half), signal),
        ]);
        for (const [item, outcome] of [...first, ...second]) outcomes.set(item, outcome);
        return outcomes;
      }
      for (const item of live) outcomes.set(item, { kind: "failed", error, requestSeconds });
      return outcomes;
    }
  };
  return Object.assign(send, {
    prepare: (signal?: AbortSignal) => (limited ? prepare(signal) : undefined),
  });
}

/**
 * Ends a request's span, with the failure's kind, code and HTTP status (never its message or
 * the API's body, which may quote a number).
 */
function endRequestSpan(traced: RequestTrace | undefined, error?: unknown): void {
  if (!traced) return;
  if (error !== undefined) {
    const facts = failureFacts(error);
    traced.span.setAttributes({
      "error.type": facts.code,
      "sms_relay.failure_kind": facts.kind,
      ...(isKpnError(error) && error.status !== undefined
        ? { "http.response.status_code": error.status }
        : {}),
    });
    traced.span.setStatus({ code: SpanStatusCode.ERROR, message: `${facts.kind}: ${facts.code}` });
  }
  traced.span.end();
}

/**
 * Waits for the reference record issued before the send, writing it again for a few seconds if
 * Redis refused it. If it never lands, the SMS stay sent, and their reports are kept as unmatched.
 */
async function ensureReferenceRecorded(
  reference: DeliveryReference,
  items: readonly SendItem[],
  deps: RequestSenderDeps,
): Promise<void> {
  const error = await recordProgress(
    () => reference.write(),
    deps.recordDelaysMs === undefined ? {} : { delaysMs: deps.recordDelaysMs },
  );
  if (error === undefined) return;
  deps.metrics?.referenceFailures.inc(items.length);
  deps.logger.error(
    {
      jobIds: items.map((item) => item.jobId),
      err: { message: error instanceof Error ? error.message : String(error) },
    },
    "could not record the delivery reference in Redis: the SMS are sent, their delivery reports will be kept as unmatched",
  );
}
