import type { RequestHandler } from "express";
import { redisDownAnswer, sendErrorAnswer, wantsHtml } from "./error-answers.js";

/** Options of {@link createRedisGate}. */
export interface RedisGateOptions {
  /** Resolves `true` when Redis answered in time; never rejects. */
  answers: () => Promise<boolean>;
  /** Where Redis is, as shown (see `describeRedis`). */
  redis: string;
}

/** Paths of files, which a page that is up already asked for: never held back. */
const ASSETS = /^\/(?:static|assets)\//i;

/** bull-board's API, whose calls would wait for a Redis that is not there without a limit. */
const BOARD_API = /^\/api\//i;

/**
 * Express middleware for pages that browsers open and for bull-board's API: while Redis does not
 * answer, a page in plain words (503) rather than bull-board's page, which would only show
 * ioredis' errors in a corner, and `{ error, code: "DASHBOARD_REDIS_UNAVAILABLE" }` rather than
 * an API call that hangs. Files pass, and so do the dashboard's own JSON routes, whose errors
 * say the same.
 */
export function createRedisGate(options: RedisGateOptions): RequestHandler {
  return async (req, res, next) => {
    const page =
      (req.method === "GET" || req.method === "HEAD") && !ASSETS.test(req.path) && wantsHtml(req);
    if (!page && !BOARD_API.test(req.path)) {
      next();
      return;
    }
    if (await options.answers()) {
      next();
      return;
    }
    sendErrorAnswer(req, res, redisDownAnswer(options.redis));
  };
}
