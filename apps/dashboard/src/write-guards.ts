import type { RequestHandler } from "express";

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

/** bull-board routes that write job data as the browser holds it. */
const DATA_WRITES = [
  /^\/api\/queues\/[^/]+\/[^/]+\/update-data\/?$/,
  /^\/api\/queues\/[^/]+\/add\/?$/,
];

/**
 * Express middleware that refuses editing job data and adding jobs, even on a writable
 * dashboard: the browser only ever sees masked numbers, so saving an edit (or duplicating a job)
 * would store `+316****5678` as the recipient. New SMS go through the producer or the CLI, which
 * validate them.
 */
export function createMaskedDataGuard(): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || !DATA_WRITES.some((route) => route.test(req.path))) {
      next();
      return;
    }
    res.status(403).json({
      error:
        "job data is shown with masked phone numbers, so it cannot be edited or added here; queue SMS with the producer or `sms-relay send`",
      code: "DASHBOARD_MASKED_DATA",
    });
  };
}
