import type { DeadLetterEntry, DeadLetterJobData, DeadLetterQueue } from "@sms-relay/producer";
import express, { type ErrorRequestHandler, type Router } from "express";
import type { Logger } from "pino";
import { type DeadLetterPageEntry, renderDeadLetterPage } from "./dead-letter-page.js";
import {
  DashboardRequestError,
  type DeadLetterSelection,
  parseCount,
  parseFormSelection,
  parseJsonSelection,
} from "./dead-letter-selection.js";
import { maskPhoneNumbers } from "./mask-phone-numbers.js";
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
}

/** Records per page of the HTML page, and per API answer unless `limit` says otherwise. */
const PAGE_SIZE = 100;
const MAX_LIMIT = 1000;
const MAX_OFFSET = 100_000_000;

type Action = "redrive" | "purge";

interface ActionResult {
  done: string[];
  /** Redrive only: SMS being sent right now, whose records stay. */
  inProgress: string[];
  missing: string[];
}

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

function one(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** The one-line message the page shows after a form post, from the counts in its URL. */
function noticeOf(query: Record<string, unknown>): string | undefined {
  const action = one(query.action);
  if (action === "none") return "Nothing selected: tick at least one dead letter.";
  if (action !== "redrive" && action !== "purge") return undefined;
  const done = Number.parseInt(String(one(query.done) ?? "0"), 10) || 0;
  const missing = Number.parseInt(String(one(query.missing) ?? "0"), 10) || 0;
  const inProgress = Number.parseInt(String(one(query.inProgress) ?? "0"), 10) || 0;
  const gone = missing > 0 ? `; ${missing} not found (already redriven or purged)` : "";
  const busy = inProgress > 0 ? `; ${inProgress} being sent right now, kept (try again later)` : "";
  return action === "redrive"
    ? `Redrove ${done} SMS back onto the sms queue${busy}${gone}.`
    : `Purged ${done} dead letter${done === 1 ? "" : "s"}${gone}.`;
}

/**
 * The dead-letter routes, to mount at `/dead-letters` behind basic auth (and the read-only
 * guard when read-only):
 * - `GET /` an HTML page of the records, with forms posting to `POST /redrive` and
 *   `POST /purge` (form-encoded, same-origin only), which redirect back with the result;
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
    res
      .set({
        "cache-control": "no-store",
        // No scripts at all, forms only to this origin, and never inside another site's frame.
        "content-security-policy":
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
      })
      .type("html")
      .send(
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

  const form = [
    createSameOriginGuard({ requireHeader: true }),
    express.urlencoded({ extended: false, limit: "200kb", parameterLimit: 2000 }),
  ];
  for (const action of ["redrive", "purge"] as const) {
    router.post(`/${action}`, ...form, async (req, res) => {
      const selection = parseFormSelection(req.body);
      if (!selection) {
        res.redirect(303, "/dead-letters?action=none");
        return;
      }
      const { done, inProgress, missing } = await run(action, selection);
      res.redirect(
        303,
        `/dead-letters?action=${action}&done=${done.length}&inProgress=${inProgress.length}&missing=${missing.length}`,
      );
    });
  }

  router.use(deadLetterErrors(logger));
  return router;
}

/** Maps failures to one-line JSON answers: 400 for bad input, 503 when Redis is away. */
function deadLetterErrors(logger: Logger | undefined): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const fail = (status: number, code: string, message: string) =>
      res.status(status).json({ error: message, code });
    if (error instanceof DashboardRequestError) {
      fail(400, error.code, error.message);
      return;
    }
    const { type, status, code } = (error ?? {}) as {
      type?: string;
      status?: number;
      code?: string;
    };
    if (type === "entity.parse.failed") {
      fail(400, "DASHBOARD_BAD_REQUEST", "body: not valid JSON");
      return;
    }
    if (typeof status === "number" && status >= 400 && status < 500) {
      fail(status, "DASHBOARD_BAD_REQUEST", `body: ${type ?? "rejected"}`);
      return;
    }
    if (code === "SMS_QUEUE_UNAVAILABLE") {
      fail(503, code, "Redis is not reachable; try again (redrive and purge are safe to repeat)");
      return;
    }
    logger?.error({ err: error }, "dead-letter request failed");
    fail(500, "DASHBOARD_ERROR", "internal error");
  };
}
