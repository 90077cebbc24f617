import type { RequestHandler } from "express";
import { maskPhoneNumbers } from "./mask-phone-numbers.js";

/**
 * Express middleware that masks phone numbers in every JSON answer after it, whatever route
 * built it: bull-board's job listings, job details, flows, logs and error answers, and the
 * dead-letter API. The adapter's formatters mask the fields they reach; this covers the rest
 * (a new bull-board endpoint, a field no formatter sees), so no answer holds a full number.
 */
export function createJsonMasking(): RequestHandler {
  return (_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body?: unknown) => json(maskPhoneNumbers(body));
    next();
  };
}
