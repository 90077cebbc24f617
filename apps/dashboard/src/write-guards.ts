import express, { type RequestHandler, type Router } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Express middleware that answers 403 to every request that could change something. bull-board's
 * own `readOnlyMode` hides the buttons, but the write endpoints are what must refuse.
 */
export function createReadOnlyGuard(): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    res.status(403).json({
      error: "the dashboard is read-only (DASHBOARD_READ_ONLY=1)",
      code: "DASHBOARD_READ_ONLY",
    });
  };
}

/**
 * bull-board's routes that write job data as the browser holds it. Declared as Express routes,
 * not matched against the raw URL, so that every spelling Express routes to bull-board
 * (`/API/QUEUES/sms/ADD`, a trailing slash, `%73ms`) meets the guard first.
 */
const DATA_WRITES = [
  ["patch", "/api/queues/:queueName/:jobId/update-data"],
  ["post", "/api/queues/:queueName/add"],
] as const;

/**
 * Express router that refuses editing job data and adding jobs, even on a writable dashboard:
 * the browser only ever sees masked numbers, so saving an edit (or duplicating a job) would
 * store `+316****5678` as the recipient. New SMS go through the producer or the CLI, which
 * validate them. Mount it with `app.use()` before bull-board, so that both route alike.
 */
export function createMaskedDataGuard(): Router {
  const router = express.Router();
  for (const [method, route] of DATA_WRITES) {
    router[method](route, (_req, res) => {
      res.status(403).json({
        error:
          "job data is shown with masked phone numbers, so it cannot be edited or added here; queue SMS with the producer or `sms-relay send`",
        code: "DASHBOARD_MASKED_DATA",
      });
    });
  }
  return router;
}
