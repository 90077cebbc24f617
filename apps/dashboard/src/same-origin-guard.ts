import type { IncomingHttpHeaders } from "node:http";
import type { RequestHandler } from "express";

/** Options of {@link createSameOriginGuard}. */
export interface SameOriginGuardOptions {
  /**
   * Refuse requests that carry neither `Origin` nor `Referer`. On for the HTML forms (browsers
   * send `Origin` with every form post); off for the JSON API, which scripts call without them.
   * @default true
   */
  requireHeader?: boolean;
}

interface HostPort {
  hostname: string;
  port: string | undefined;
}

/** Methods that change nothing, which browsers send across origins freely (links, images). */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

/** Host and effective port of an `Origin` or `Referer` value, if it is an http(s) URL. */
function ofUrl(value: string): HostPort | undefined {
  try {
    const url = new URL(value);
    const defaultPort = DEFAULT_PORTS[url.protocol];
    if (!defaultPort) return undefined;
    return { hostname: url.hostname.toLowerCase(), port: url.port || defaultPort };
  } catch {
    return undefined;
  }
}

/** Host and port of the `Host` header; the port is unknown when the header leaves it out. */
function ofHostHeader(host: string | undefined): HostPort | undefined {
  if (!host) return undefined;
  try {
    const url = new URL(`http://${host}`);
    // The URL parser drops :80, so the original header says whether a port was given.
    const port = url.port || (/:\d+$/.test(host) ? "80" : undefined);
    return { hostname: url.hostname.toLowerCase(), port };
  } catch {
    return undefined;
  }
}

function matches(source: HostPort | undefined, target: HostPort | undefined): boolean {
  if (!source || !target || source.hostname !== target.hostname) return false;
  // Without a port in Host, the browser used the default port of the scheme it saw.
  return target.port === undefined
    ? Object.values(DEFAULT_PORTS).includes(source.port ?? "")
    : source.port === target.port;
}

/**
 * Whether a request comes from a page of this dashboard. `Origin` decides when present (the
 * opaque `"null"` origin never matches); otherwise `Referer`; otherwise `requireHeader`.
 */
export function isSameOrigin(headers: IncomingHttpHeaders, requireHeader: boolean): boolean {
  const host = ofHostHeader(headers.host);
  const origin = headers.origin;
  if (origin !== undefined) return matches(ofUrl(origin), host);
  const referer = headers.referer;
  if (referer !== undefined) return matches(ofUrl(referer), host);
  return !requireHeader;
}

/**
 * Express middleware against cross-site request forgery. Browsers resend basic auth credentials
 * on their own, to any site's form that posts here, so a logged-in operator visiting a hostile
 * page could redrive or purge without knowing it. A form post from another site carries that
 * site's `Origin` (or `Referer`), which cannot match the dashboard's `Host`: such requests get
 * 403 `{"code":"DASHBOARD_CROSS_ORIGIN"}`. `GET`, `HEAD` and `OPTIONS` always pass, so it can
 * guard a whole app: every other method (`POST`, `PUT`, `PATCH`, `DELETE`, …) is checked.
 */
export function createSameOriginGuard(options: SameOriginGuardOptions = {}): RequestHandler {
  const requireHeader = options.requireHeader ?? true;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || isSameOrigin(req.headers, requireHeader)) {
      next();
      return;
    }
    res.status(403).json({
      error:
        "cross-origin request refused: Origin or Referer must match the dashboard's host (a proxy in front must pass the Host header through)",
      code: "DASHBOARD_CROSS_ORIGIN",
    });
  };
}
