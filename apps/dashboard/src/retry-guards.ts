import { DEAD_LETTER_QUEUE, type DeadLetterQueue, SMS_QUEUE } from "@sms-relay/producer";
import type { Queue } from "bullmq";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";

/** Options of {@link createRetryGuards}. */
export interface RetryGuardsOptions {
  /** The dead-letter records, to redrive instead of retrying. Not closed by the router. */
  deadLetters: DeadLetterQueue;
  /** The `sms` queue, to read job states. Not closed by the router. */
  sms: Queue;
  /** The `sms-dead-letter` queue, to tell which delayed SMS are being redriven. */
  deadLetterRecords: Queue;
  /** Where redrives started from bull-board are recorded (ids and counts only). */
  logger?: Logger;
}

/** Ids read per Redis call when a whole state is handled. */
const PAGE_SIZE = 200;

type Handler = (req: Request, res: Response, next: NextFunction) => Promise<void>;

function refuse(res: Response, code: string, message: string): void {
  res.status(409).json({ error: message, code });
}

const SENT_MESSAGE =
  "this SMS was sent (completed) and is never sent again from the dashboard; queue a new SMS with the producer or `sms-relay send`";
const DEAD_LETTER_MESSAGE =
  "a dead-letter record is not a job to run: redrive it from /dead-letters, which puts the SMS back on the sms queue";

/** Passes a rejection to Express's error handling, which answers 500 (Express 5 also does). */
function handle(handler: Handler): Handler {
  return (req, res, next) => handler(req, res, next).catch(next);
}

function param(req: Request, name: string): string {
  return String(req.params[name] ?? "");
}

/**
 * Express router, to mount before bull-board, that keeps bull-board's retry and promote buttons
 * from going around the dead-letter queue:
 * - retrying a failed `sms` job that has a dead-letter record redrives it (the record goes, the
 *   job comes back with fresh attempts and the parts already sent), as `/dead-letters` does;
 * - retrying a completed `sms` job (one or all) is refused with 409 `DASHBOARD_RETRY_SENT`:
 *   it would send the SMS again and count it twice;
 * - retrying or promoting on `sms-dead-letter` is refused with 409 `DASHBOARD_RETRY_DEAD_LETTER`;
 * - promoting an `sms` job that still has a dead-letter record (a redrive holding it back until
 *   its sent parts are written) is refused with 409 `DASHBOARD_REDRIVE_IN_PROGRESS`, and
 *   promoting all skips such jobs.
 * Everything else goes on to bull-board. The routes are bull-board 9's, matched by Express
 * exactly as bull-board's own router matches them.
 */
export function createRetryGuards(options: RetryGuardsOptions): Router {
  const { deadLetters, sms, deadLetterRecords, logger } = options;
  const router = express.Router();

  async function hasRecord(id: string): Promise<boolean> {
    return (await deadLetterRecords.getJobState(id)) !== "unknown";
  }

  async function redrive(ids: string[]): Promise<{ redriven: string[]; missing: string[] }> {
    const result = await deadLetters.redrive(ids);
    if (result.redriven.length > 0) {
      logger?.info(
        { redriven: result.redriven.length, via: "retry" },
        "dead letters redriven from the dashboard",
      );
    }
    return result;
  }

  /** Ids of every job in `state`, read in pages before anything changes them. */
  async function idsIn(state: "failed" | "delayed"): Promise<string[]> {
    const seen = new Set<string>();
    for (let start = 0; ; start += PAGE_SIZE) {
      const ids = await sms.getRanges([state], start, start + PAGE_SIZE - 1, false);
      for (const id of ids) seen.add(id);
      if (ids.length < PAGE_SIZE) return [...seen];
    }
  }

  // Registered in bull-board's order, so a path both patterns match goes the same way.
  router.put(
    "/api/queues/:queueName/retry/:queueStatus",
    handle(async (req, res, next) => {
      const queueName = param(req, "queueName");
      const status = param(req, "queueStatus");
      if (queueName === DEAD_LETTER_QUEUE)
        return refuse(res, "DASHBOARD_RETRY_DEAD_LETTER", DEAD_LETTER_MESSAGE);
      if (queueName !== SMS_QUEUE) return next();
      if (status === "completed") return refuse(res, "DASHBOARD_RETRY_SENT", SENT_MESSAGE);
      if (status !== "failed") return next();
      const ids = await idsIn("failed");
      // Dead SMS are redriven; failed jobs without a record get bull-board's plain retry.
      const { redriven, missing } = await redrive(ids);
      let retried = redriven.length;
      for (const id of missing) {
        const job = await sms.getJob(id);
        if (job && (await job.getState()) === "failed") {
          await job.retry("failed");
          retried += 1;
        }
      }
      res.json({ retried, skipped: ids.length - retried });
    }),
  );

  router.put(
    "/api/queues/:queueName/promote",
    handle(async (req, res, next) => {
      const queueName = param(req, "queueName");
      if (queueName === DEAD_LETTER_QUEUE)
        return refuse(res, "DASHBOARD_RETRY_DEAD_LETTER", DEAD_LETTER_MESSAGE);
      if (queueName !== SMS_QUEUE) return next();
      for (const id of await idsIn("delayed")) {
        if (await hasRecord(id)) continue;
        // Taken or promoted meanwhile: nothing left to promote.
        await (await sms.getJob(id))?.promote().catch(() => undefined);
      }
      res.json({});
    }),
  );

  router.put(
    "/api/queues/:queueName/:jobId/retry",
    handle(async (req, res, next) => {
      const queueName = param(req, "queueName");
      const id = param(req, "jobId");
      if (queueName === DEAD_LETTER_QUEUE)
        return refuse(res, "DASHBOARD_RETRY_DEAD_LETTER", DEAD_LETTER_MESSAGE);
      if (queueName !== SMS_QUEUE) return next();
      const state = await sms.getJobState(id);
      if (state === "completed") return refuse(res, "DASHBOARD_RETRY_SENT", SENT_MESSAGE);
      if (state !== "failed" || !(await hasRecord(id))) return next();
      const { redriven } = await redrive([id]);
      // Gone meanwhile (redriven or purged elsewhere): bull-board says what the job is now.
      if (redriven.length === 0) return next();
      res.status(204).end();
    }),
  );

  router.put(
    "/api/queues/:queueName/:jobId/promote",
    handle(async (req, res, next) => {
      const queueName = param(req, "queueName");
      const id = param(req, "jobId");
      if (queueName === DEAD_LETTER_QUEUE)
        return refuse(res, "DASHBOARD_RETRY_DEAD_LETTER", DEAD_LETTER_MESSAGE);
      if (queueName !== SMS_QUEUE || (await sms.getJobState(id)) !== "delayed") return next();
      if (!(await hasRecord(id))) return next();
      refuse(
        res,
        "DASHBOARD_REDRIVE_IN_PROGRESS",
        "this SMS is being redriven from the dead-letter queue; it is promoted once its sent parts are recorded",
      );
    }),
  );

  return router;
}
