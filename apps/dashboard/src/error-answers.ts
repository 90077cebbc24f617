import type { ConnectionOptions } from "bullmq";
import type { ErrorRequestHandler, Request, Response } from "express";
import type { Logger } from "pino";
import { escapeHtml } from "./escape-html.js";
import { renderPage, sendPage } from "./page-layout.js";

/** An answer that is not the page or data asked for: shown as a page to browsers, JSON to others. */
export interface ErrorAnswer {
  status: number;
  /** Stable code, in the JSON as `code`. */
  code: string;
  /** One line for API clients: the JSON's `error`. */
  error: string;
  /** Heading of the browser page. */
  title: string;
  /** Paragraphs of the browser page, as plain text (escaped here). */
  paragraphs: string[];
  /** Extra headers (`WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
  /** Leave the navigation bar off the page (the sign-in page). */
  withoutNav?: boolean;
}

/**
 * Whether the client would rather read HTML than JSON: a browser navigating (`Accept: text/html,
 * …`). `curl` and `fetch` send `*\/*`, which reads as JSON, as does bull-board's own page, which
 * asks for `application/json`.
 */
export function wantsHtml(req: Request): boolean {
  return req.accepts(["application/json", "text/html"]) === "text/html";
}

/** Sends `answer` as a readable page (browsers) or as `{ error, code }` (everything else). */
export function sendErrorAnswer(req: Request, res: Response, answer: ErrorAnswer): void {
  if (answer.headers) res.set(answer.headers);
  if (req.method !== "HEAD" && wantsHtml(req)) {
    const body = answer.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join("\n");
    sendPage(
      res,
      renderPage({
        title: answer.title,
        body,
        ...(answer.withoutNav ? { withoutNav: true } : {}),
      }),
      answer.status,
    );
    return;
  }
  res.status(answer.status).json({ error: answer.error, code: answer.code });
}

/**
 * Where the dashboard's Redis is, fit to show anyone: `redis://127.0.0.1:6379`, with
 * `(password hidden)` when the address holds one. Never the password, the user name or a query.
 */
export function describeRedis(connection: string | ConnectionOptions): string {
  if (typeof connection === "string") {
    try {
      const url = new URL(connection);
      const hidden = url.password ? " (password hidden)" : "";
      return `${url.protocol}//${url.host}${hidden}`;
    } catch {
      return "the configured REDIS_URL (not shown: it does not parse as a URL)";
    }
  }
  const options = connection as {
    host?: unknown;
    port?: unknown;
    password?: unknown;
    isCluster?: unknown;
    options?: { host?: unknown; port?: unknown; password?: unknown };
  };
  if (options.isCluster === true) return "the configured Redis Cluster";
  const source = options.options ?? options;
  const host = typeof source.host === "string" ? source.host : "127.0.0.1";
  const port =
    typeof source.port === "number" || typeof source.port === "string" ? source.port : 6379;
  const hidden = source.password ? " (password hidden)" : "";
  return `redis://${host}:${port}${hidden}`;
}

/** Messages of ioredis and of the producer when Redis is away, not answering, or not ready. */
const REDIS_DOWN =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN|Connection is closed|max retries per request|enableOfflineQueue|Stream isn't writeable|Command timed out|did not answer|not ready within|unreachable|LOADING|CLUSTERDOWN|MASTERDOWN/i;

/** Whether an error means that Redis cannot be reached (rather than a fault of the request). */
export function isRedisDown(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === "SMS_QUEUE_UNAVAILABLE") return true;
  return typeof message === "string" && REDIS_DOWN.test(message);
}

/** The answer while Redis cannot be reached: plain words, where it was looked for, what to do. */
export function redisDownAnswer(where: string, code = "DASHBOARD_REDIS_UNAVAILABLE"): ErrorAnswer {
  return {
    status: 503,
    code,
    error: `Redis is not reachable at ${where}; the dashboard shows the queues again as soon as it answers`,
    title: "Redis is not reachable",
    paragraphs: [
      `The dashboard cannot reach Redis at ${where}, where the queues are kept.`,
      "Nothing is lost: the SMS stay in Redis, and the worker goes on once Redis is back. Reload this page in a moment.",
      "If it stays like this: check that Redis runs (docker compose up -d redis, or the redis-server service) and that REDIS_URL points at it.",
    ],
    headers: { "retry-after": "5" },
  };
}

/**
 * The answer to a request without the right user name and password: `wrong` when it carried
 * some (which of the two was wrong is not said).
 */
export function signInAnswer(realm: string, wrong = false): ErrorAnswer {
  return {
    status: 401,
    code: "DASHBOARD_UNAUTHORIZED",
    error: wrong ? "wrong user name or password" : "authentication required",
    title: wrong ? "Wrong user name or password" : "Sign-in needed",
    paragraphs: [
      ...(wrong ? ["The user name and password given do not match; nothing was shown."] : []),
      "This dashboard is only for its operators: it asks for the user name and password set in DASHBOARD_USER and DASHBOARD_PASSWORD where it runs.",
      "Reload the page to be asked again. With pnpm start and no DASHBOARD_PASSWORD set, the user is admin and the password is in .data/dashboard-password.",
    ],
    headers: { "www-authenticate": `Basic realm="${realm}", charset="UTF-8"` },
    withoutNav: true,
  };
}

/** Anything else that went wrong: no details (they may hold numbers or internals), the log has them. */
export function internalErrorAnswer(): ErrorAnswer {
  return {
    status: 500,
    code: "DASHBOARD_ERROR",
    error: "internal error",
    title: "Something went wrong",
    paragraphs: [
      "The dashboard could not answer this request. The dashboard's log says why; try again in a moment.",
    ],
  };
}

/**
 * Express error handler for the dashboard's own pages and their JSON: 400 naming the field for
 * bad input (errors with `code` `DASHBOARD_BAD_REQUEST`), 503 in plain words when Redis is away,
 * else 500 without details (logged). Pages for browsers, `{ error, code }` for everything else.
 */
export function createErrorAnswers(redis: string, logger?: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (code === "DASHBOARD_BAD_REQUEST" && typeof message === "string") {
      sendErrorAnswer(req, res, {
        status: 400,
        code,
        error: message,
        title: "That request was not understood",
        paragraphs: [message],
      });
      return;
    }
    if (isRedisDown(error)) {
      sendErrorAnswer(req, res, redisDownAnswer(redis));
      return;
    }
    logger?.error({ err: error }, "dashboard request failed");
    sendErrorAnswer(req, res, internalErrorAnswer());
  };
}
