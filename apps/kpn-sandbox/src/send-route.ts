import { randomUUID } from "node:crypto";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { SandboxContext } from "./context.js";
import { pickSendFault, type SendFault } from "./faults.js";
import { apiError, gatewayFault, methodNotAllowed, readBody, sendJson } from "./http.js";
import { maskMobileNumber } from "./mask.js";
import type { ReceivedSend } from "./types.js";
import { isJsonContentType, validateSend } from "./validate-send.js";

/** Both send paths of the real API: the current one and the legacy one. */
export const SEND_PATHS = ["/communication/kpn/sms/send", "/messaging/sms-kpn/v1/send"] as const;

/** Apigee quota headers report against this per-second limit; the sandbox never enforces it. */
const QUOTA_LIMIT = 100_000;

const BODY_429 = gatewayFault(
  "Rate limit quota violation. Quota limit exceeded. Identifier : _default",
  "policies.ratelimit.QuotaViolation",
);
const BODY_503 = gatewayFault(
  "The Service is temporarily unavailable",
  "messaging.adaptors.http.flow.ServiceUnavailable",
);
const BODY_502 = gatewayFault(
  "Unexpected EOF at target",
  "messaging.adaptors.http.flow.UnexpectedEOFAtTarget",
);
const BODY_INVALID_TOKEN = gatewayFault("Invalid access token", "oauth.v2.InvalidAccessToken");
const BODY_EXPIRED_TOKEN = gatewayFault("Access Token expired", "oauth.v2.AccessTokenExpired");

/** The third error shape the API is known to use, so that clients meet it too. */
function internalError(): string {
  return JSON.stringify({
    error: {
      transactionId: randomUUID(),
      status: 500,
      name: "InternalServerError",
      message: "Internal server error",
      info: "The request could not be processed",
    },
  });
}

/** Creates the handler of both send paths; it keeps the per-second quota counter. */
export function createSendHandler(ctx: SandboxContext) {
  let quotaSecond = 0;
  let quotaUsed = 0;

  function quotaHeaders(now: number): OutgoingHttpHeaders {
    const second = Math.floor(now / 1000);
    if (second !== quotaSecond) {
      quotaSecond = second;
      quotaUsed = 0;
    }
    quotaUsed++;
    return {
      "quota-limit": String(QUOTA_LIMIT),
      "quota-used": String(quotaUsed),
      "quota-interval": "1",
      "quota-time-unit": "second",
      "quota-reset-UTC": String((second + 1) * 1000),
    };
  }

  function answer(
    res: ServerResponse,
    at: number,
    path: string,
    status: number,
    body: string,
    extra?: OutgoingHttpHeaders,
  ): void {
    const headers = quotaHeaders(Date.now());
    sendJson(res, status, body, extra ? { ...headers, ...extra } : headers);
    ctx.recorder.sendAnswered(at, path, status);
  }

  function drop(req: IncomingMessage, at: number, path: string, outcome: "reset" | "hang"): void {
    ctx.recorder.sendAnswered(at, path, outcome);
    const socket = req.socket;
    if (socket.destroyed) return;
    if (outcome === "reset") {
      // A TCP RST rather than a FIN, as when a gateway or a load balancer drops the connection.
      socket.resetAndDestroy();
      return;
    }
    ctx.hanging.add(socket);
    const timer = setTimeout(() => socket.destroy(), ctx.faults.hangMs);
    ctx.timers.add(timer);
    socket.once("close", () => {
      clearTimeout(timer);
      ctx.timers.delete(timer);
      ctx.hanging.delete(socket);
    });
  }

  function respond(
    req: IncomingMessage,
    res: ServerResponse,
    at: number,
    path: string,
    body: string | undefined,
    fault: SendFault,
    withRetryAfter: boolean,
  ): void {
    // A client that gave up during the latency still has its send processed, as with the real
    // API: that is how a client timeout turns into a message sent but never confirmed.
    if (ctx.closing) return;
    const faults = ctx.faults;
    switch (fault) {
      case "reset":
        drop(req, at, path, "reset");
        return;
      case "429": {
        const seconds = faults.retryAfterSeconds;
        const extra = withRetryAfter && seconds !== null ? { "retry-after": String(seconds) } : {};
        answer(res, at, path, 429, BODY_429, extra);
        return;
      }
      case "503":
        answer(res, at, path, 503, BODY_503);
        return;
      case "502":
        answer(res, at, path, 502, BODY_502);
        return;
      case "500":
        answer(res, at, path, 500, internalError());
        return;
      case "authFault":
        answer(res, at, path, 500, BODY_EXPIRED_TOKEN);
        return;
    }
    const token = ctx.tokens.check(req.headers.authorization, Date.now());
    if (token !== "valid") {
      const tokenBody = token === "expired" ? BODY_EXPIRED_TOKEN : BODY_INVALID_TOKEN;
      answer(res, at, path, faults.authFaultStatus, tokenBody);
      return;
    }
    if (body === undefined) {
      answer(res, at, path, 413, apiError("PAYLOAD_TOO_LARGE", "Request body too large", "body"));
      return;
    }
    if (!isJsonContentType(req.headers["content-type"])) {
      const info = req.headers["content-type"] ?? "(none)";
      const message = "Content-Type must be application/json";
      answer(res, at, path, 400, apiError("INVALID_CONTENT_TYPE", message, info));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      answer(res, at, path, 400, apiError("INVALID_JSON", "Body is not valid JSON", String(error)));
      return;
    }
    const result = validateSend(parsed, ctx);
    if ("error" in result) {
      const { code, message, info } = result.error;
      answer(res, at, path, 400, apiError(code, message, info));
      return;
    }
    const send = result.send;
    const dropped: "reset" | "hang" | undefined =
      fault === "resetAfterSend" ? "reset" : fault === "hangAfterSend" ? "hang" : undefined;
    const status = fault === "500AfterSend" ? 500 : 200;
    const received: ReceivedSend = {
      documentId: randomUUID(),
      path,
      sender: send.sender,
      messages: send.messages,
      receivedAt: Date.now(),
      answeredStatus: dropped ? 0 : status,
    };
    if (send.webhookUrl !== undefined) received.webhookUrl = send.webhookUrl;
    if (send.expirein !== undefined) received.expirein = send.expirein;
    ctx.recorder.accept(received);
    // Also after an "after accept" fault: the SMS went out, so KPN reports on it.
    ctx.reports.reportOn(received);
    if (ctx.logger.isLevelEnabled("debug")) {
      ctx.logger.debug(
        {
          documentId: received.documentId,
          to: send.messages.map((m) => maskMobileNumber(m.mobileNumber)),
          outcome: dropped ?? status,
        },
        "send accepted",
      );
    }
    if (dropped) drop(req, at, path, dropped);
    else if (status === 500) answer(res, at, path, 500, internalError());
    else answer(res, at, path, 200, `{"document_id":"${received.documentId}","status":"OK"}`);
  }

  /** Handles one request to a send path. */
  return function handleSend(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (req.method !== "POST") {
      req.resume();
      methodNotAllowed(res, "POST");
      return;
    }
    const at = Date.now();
    // Three draws per send whatever happens, drawn on arrival: the same seed and the same order
    // of requests give the same faults, whatever the bodies, tokens or timings.
    const faults = ctx.faults;
    const fault = pickSendFault(faults, ctx.sendRandom());
    const jitter = Math.floor(ctx.sendRandom() * (faults.latencyJitterMs + 1));
    const withRetryAfter = ctx.sendRandom() < faults.retryAfterShare;
    readBody(req, (body) => {
      if (ctx.closing) return;
      if (fault === "hang") {
        drop(req, at, path, "hang");
        return;
      }
      const delay = faults.latencyMs + jitter;
      if (delay <= 0) {
        respond(req, res, at, path, body, fault, withRetryAfter);
        return;
      }
      const timer = setTimeout(() => {
        ctx.timers.delete(timer);
        respond(req, res, at, path, body, fault, withRetryAfter);
      }, delay);
      ctx.timers.add(timer);
    });
  };
}
