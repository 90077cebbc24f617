import type { DeadLetterEntry, DeadLetterJobData, DeadLetterQueue } from "@sms-relay/producer";
import express, { type ErrorRequestHandler, type Router } from "express";
import type { Logger } from "pino";
import {
  renderDeadLetterDetailPage,
  renderDeadLetterNotFoundPage,
} from "./dead-letter-detail-page.js";
import { type ActionResult, noticeOf, registerDeadLetterForms } from "./dead-letter-forms.js";
import { type DeadLetterPageEntry, renderDeadLetterPage } from "./dead-letter-page.js";
import {
  DashboardRequestError,
  type DeadLetterSelection,
  parseCount,
  parseJsonSelection,
} from "./dead-letter-selection.js";
import {
  internalErrorAnswer,
  isRedisDown,
  redisDownAnswer,
  sendErrorAnswer,
  wantsHtml,
} from "./error-answers.js";
import { maskPhoneNumbers } from "./mask-phone-numbers.js";
import { sendPage } from "./page-layout.js";
import { createSameOriginGuard } from "./same-origin-guard.js";
import { createReadOnlyGuard } from "./write-guards.js";

/** Options of {@link createDeadLetterRouter}. */
export interface DeadLetterRouterOptions {
  /** The dead-letter queue to read and redrive from; not closed by the router. */
  deadLetters: DeadLetterQueue;
  /** Refuse redrive and purge (403) and hide their buttons. @default false */
  readOnly?: boolean;
  /** Where redrives and purges are recorded (counts only, never numbers). @default no logging */
  logger?: Logger;
  /**
   * Where Redis is, as shown when it cannot be reached (`redis://127.0.0.1:6379 (password
   * hidden)`; see `describeRedis`). @default "the configured Redis"
   */
  redisDescription?: string;
}

/** Records per page of the HTML page, and per API answer unless `limit` says otherwise. */
const PAGE_SIZE = 100;
const MAX_LIMIT = 1000;
const MAX_OFFSET = 100_000_000;

type Action = "redrive" | "purge";

function masked(entry: DeadLetterEntry): DeadLetterEntry {
  return { ...entry, data: maskPhoneNumbers(entry.data) as DeadLetterJobData };
}

/** A page of records, masked, each with the delivery state of its SMS (one round trip for all). */
async function withDeliveries(
  deadLetters: DeadLetterQueue,
  entries: DeadLetterEntry[],
): Promise<DeadLetterPageEntry[]> {
  const deliveries = await deadLetters.deliveries(entries.map((entry) => entry.id));
  return entries.map((entry, index) => {
    const delivery = deliveries[index];
    return { ...masked(entry), ...(delivery ? { delivery } : {}) };
  });
}

/**
 * The dead-letter routes, to mount at `/dead-letters` behind basic auth (and the read-only
 * guard when read-only):
 * - `GET /` an HTML page of the records, with forms posting to `POST /redrive` and
 *   `POST /purge` (form-encoded, same-origin only; a purge asks to confirm first), which
 *   redirect back with the result;
 * - `GET /:id` the page of one record, linked to the page of its SMS (`/sms/:id`);
 * - `GET /api?offset=&limit=` → `{ total, offset, limit, entries }`, numbers masked, each entry
 *   with the `delivery` of its SMS;
 * - `POST /api/redrive`, `POST /api/purge` with `{"ids": [..]}` or `{"all": true}` →
 *   the producer's `{ redriven, missing }` / `{ purged, missing }`.
 */
export function createDeadLetterRouter(options: DeadLetterRouterOptions): Router {
  const { deadLetters, logger } = options;
  const readOnly = options.readOnly ?? false;
  const router = express.Router();

  // Also refused here, so the routes stay read-only wherever the router is mounted.
  if (readOnly) router.use(createReadOnlyGuard());

  async function run(action: Action, selection: DeadLetterSelection): Promise<ActionResult> {
    const started = Date.now();
    const result =
      action === "redrive"
        ? await deadLetters.redrive(selection).then((r) => ({ ...r, done: r.redriven }))
        : await deadLetters
            .purge(selection)
            .then((r) => ({ ...r, done: r.purged, inProgress: [] as string[] }));
    logger?.info(
      {
        action,
        all: selection === "all",
        done: result.done.length,
        inProgress: result.inProgress.length,
        missing: result.missing.length,
        ms: Date.now() - started,
      },
      `dead letters ${action === "redrive" ? "redriven" : "purged"} from the dashboard`,
    );
    return result;
  }

  router.get("/", async (req, res) => {
    const offset = parseCount(req.query.offset, "offset", 0, MAX_OFFSET);
    const [entries, total] = await Promise.all([
      deadLetters.list({ start: offset, end: offset + PAGE_SIZE - 1 }),
      deadLetters.count(),
    ]);
    const shown = await withDeliveries(deadLetters, entries);
    const notice = noticeOf(req.query);
    sendPage(
      res,
      renderDeadLetterPage({
        entries: shown,
        total,
        offset,
        pageSize: PAGE_SIZE,
        readOnly,
        ...(notice ? { notice } : {}),
      }),
    );
  });

  router.get("/api", async (req, res) => {
    const offset = parseCount(req.query.offset, "offset", 0, MAX_OFFSET);
    const limit = parseCount(req.query.limit, "limit", PAGE_SIZE, MAX_LIMIT);
    const [entries, total] = await Promise.all([
      limit === 0 ? [] : deadLetters.list({ start: offset, end: offset + limit - 1 }),
      deadLetters.count(),
    ]);
    const shown = await withDeliveries(deadLetters, entries);
    res.set("cache-control", "no-store").json({ total, offset, limit, entries: shown });
  });

  // Scripts send no Origin; a browser page of another site always does, and cannot send
  // application/json across origins without a CORS preflight, which this app never answers.
  const jsonApi = [
    createSameOriginGuard({ requireHeader: false }),
    express.json({ limit: "200kb" }),
  ];
  router.post("/api/redrive", ...jsonApi, async (req, res) => {
    const { done, inProgress, missing } = await run("redrive", parseJsonSelection(req.body));
    res.json({ redriven: done, inProgress, missing });
  });
  router.post("/api/purge", ...jsonApi, async (req, res) => {
    const { done, missing } = await run("purge", parseJsonSelection(req.body));
    res.json({ purged: done, missing });
  });

  registerDeadLetterForms(router, run);

  // After /api, so that a record's page never shadows the API.
  router.get("/:id", async (req, res) => {
    const id = String(req.params.id ?? "");
    const entry = await deadLetters.get(id);
    if (!entry) {
      sendPage(res, renderDeadLetterNotFoundPage(id), 404);
      return;
    }
    const [shown] = await withDeliveries(deadLetters, [entry]);
    const notice = noticeOf(req.query);
    sendPage(res, renderDeadLetterDetailPage(shown ?? entry, readOnly, notice));
  });

  router.use(deadLetterErrors(logger, options.redisDescription ?? "the configured Redis"));
  return router;
}

/**
 * Maps failures to answers: 400 naming the field for bad input, 503 in plain words when Redis
 * is away (a page for browsers, `{ error, code: "SMS_QUEUE_UNAVAILABLE" }` for scripts).
 */
function deadLetterErrors(logger: Logger | undefined, redis: string): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const fail = (status: number, code: string, message: string) =>
      wantsHtml(req)
        ? sendErrorAnswer(req, res, {
            status,
            code,
            error: message,
            title: "That request was not understood",
            paragraphs: [message],
          })
        : res.status(status).json({ error: message, code });
    if (error instanceof DashboardRequestError) {
      fail(400, error.code, error.message);
      return;
    }
    const { type, status } = (error ?? {}) as { type?: string; status?: number };
    if (type === "entity.parse.failed") {
      fail(400, "DASHBOARD_BAD_REQUEST", "body: not valid JSON");
      return;
    }
    if (typeof status === "number" && status >= 400 && status < 500) {
      fail(status, "DASHBOARD_BAD_REQUEST", `body: ${type ?? "rejected"}`);
      return;
    }
    if (isRedisDown(error)) {
      const answer = redisDownAnswer(redis, "SMS_QUEUE_UNAVAILABLE");
      sendErrorAnswer(req, res, {
        ...answer,
        error: `${answer.error} (redrive and purge are safe to repeat)`,
      });
      return;
    }
    logger?.error({ err: error }, "dead-letter request failed");
    sendErrorAnswer(req, res, internalErrorAnswer());
  };
}
