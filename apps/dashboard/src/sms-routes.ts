import express, { type Router } from "express";
import type { Logger } from "pino";
import { noticeOf } from "./dead-letter-forms.js";
import { parseCount } from "./dead-letter-selection.js";
import { createErrorAnswers } from "./error-answers.js";
import { sendPage } from "./page-layout.js";
import { lookupSms, type SmsLookupDeps, searchSms } from "./sms-lookup.js";
import { renderSearchPage, renderSmsNotFoundPage, renderSmsPage } from "./sms-pages.js";

/** Options of {@link createSmsRouter}. */
export interface SmsRouterOptions extends SmsLookupDeps {
  /** Where Redis is, as shown when it cannot be reached (see `describeRedis`). */
  redisDescription?: string;
  /** Where failures are logged. @default no logging */
  logger?: Logger;
}

/** Most SMS a search by number lists, and the default of `limit`. */
const MAX_RESULTS = 100;

function queryText(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
}

/**
 * The routes to find one SMS, to mount at `/sms` behind basic auth:
 * - `GET /?q=` the search page: by job id, idempotency key, or number in any Dutch spelling;
 * - `GET /api?q=&limit=` → `{ query, number?, numberProblem?, matches, results }`, numbers masked,
 *   `matches[i]` how `results[i]` was found (`id`, `idempotencyKey` or `number`);
 * - `GET /:id` the page of one SMS (state, delivery, parts, document ids, attempts, and a link
 *   to its dead letter); `GET /api/:id` the same as JSON, 404 `DASHBOARD_NOT_FOUND` without it.
 */
export function createSmsRouter(options: SmsRouterOptions): Router {
  const router = express.Router();

  router.get("/", async (req, res) => {
    const q = queryText(req.query.q);
    const search = q.trim() === "" ? undefined : await searchSms(options, q, MAX_RESULTS);
    sendPage(res, renderSearchPage(search));
  });

  router.get("/api", async (req, res) => {
    const limit = parseCount(req.query.limit, "limit", MAX_RESULTS, MAX_RESULTS);
    const search = await searchSms(options, queryText(req.query.q), limit);
    res.set("cache-control", "no-store").json(search);
  });

  router.get("/api/:id", async (req, res) => {
    const [sms] = await lookupSms(options, [String(req.params.id ?? "")]);
    if (!sms) {
      res
        .status(404)
        .json({ error: "no SMS and no dead letter with this id", code: "DASHBOARD_NOT_FOUND" });
      return;
    }
    res.set("cache-control", "no-store").json(sms);
  });

  router.get("/:id", async (req, res) => {
    const id = String(req.params.id ?? "");
    const [sms] = await lookupSms(options, [id]);
    if (!sms) {
      sendPage(res, renderSmsNotFoundPage(id), 404);
      return;
    }
    sendPage(res, renderSmsPage(sms, noticeOf(req.query)));
  });

  router.use(
    createErrorAnswers(options.redisDescription ?? "the configured Redis", options.logger),
  );
  return router;
}
