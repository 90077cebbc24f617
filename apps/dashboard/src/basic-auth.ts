import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { type AuthThrottleOptions, createAuthThrottle } from "./auth-throttle.js";
import type { DashboardCredentials } from "./env.js";
import { sendErrorAnswer, signInAnswer } from "./error-answers.js";

/** Options of {@link createBasicAuth}. */
export interface BasicAuthOptions extends DashboardCredentials {
  /** Shown by browsers in the login prompt. @default "sms-relay dashboard" */
  realm?: string;
  /**
   * Limits on wrong passwords per client address (`req.ip`, so behind a proxy set Express's
   * `trust proxy`). @default 10 failures per minute, then 429 for a minute
   */
  throttle?: Omit<AuthThrottleOptions, "logger">;
  /** Where clients refused for too many wrong passwords are reported. @default no logging */
  logger?: Logger;
}

/** Hashing first gives equal-length buffers, so the comparison time says nothing about lengths. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

function parseAuthorization(header: string | undefined): DashboardCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Express middleware for HTTP basic auth: 401 with `WWW-Authenticate` unless the request carries
 * the configured user and password (a sign-in page for browsers, `{ error, code }` JSON for
 * everything else, chosen by `Accept`). Both are compared in constant time, and both always are,
 * so a wrong user name takes as long as a wrong password. A client that sent too many wrong
 * ones gets 429 with `Retry-After` (code `DASHBOARD_LOGIN_THROTTLED`), even with the right
 * ones, until it has waited; other clients are not affected.
 */
export function createBasicAuth(options: BasicAuthOptions): RequestHandler {
  const realm = (options.realm ?? "sms-relay dashboard").replaceAll('"', "'");
  const expectedUser = digest(options.user);
  const expectedPassword = digest(options.password);
  const throttle = createAuthThrottle({
    ...options.throttle,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return (req, res, next) => {
    const client = req.ip ?? req.socket.remoteAddress ?? "unknown";
    const wait = throttle.retryAfterSeconds(client);
    if (wait > 0) {
      sendErrorAnswer(req, res, {
        status: 429,
        code: "DASHBOARD_LOGIN_THROTTLED",
        error: `too many wrong passwords from this client; try again in ${wait} s`,
        title: "Too many wrong passwords",
        paragraphs: [
          `Too many wrong passwords came from this address. Try again in ${wait} seconds.`,
        ],
        headers: { "retry-after": String(wait) },
        withoutNav: true,
      });
      return;
    }
    const given = parseAuthorization(req.headers.authorization);
    const userOk = timingSafeEqual(digest(given?.user ?? ""), expectedUser);
    const passwordOk = timingSafeEqual(digest(given?.password ?? ""), expectedPassword);
    if (given && userOk && passwordOk) {
      throttle.succeeded(client);
      next();
      return;
    }
    // A request without credentials is the browser asking for the prompt, not a guess.
    if (req.headers.authorization !== undefined) throttle.failed(client);
    // A readable page for a browser whose user cancelled the prompt, JSON for scripts.
    sendErrorAnswer(req, res, signInAnswer(realm, req.headers.authorization !== undefined));
  };
}
