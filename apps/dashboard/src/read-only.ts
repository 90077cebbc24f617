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
