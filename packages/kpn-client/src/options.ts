import type { Dispatcher } from "undici";
import { KpnError } from "./errors.js";
import { KPN_CLIENT_VERSION } from "./version.js";

/** Options of {@link createKpnClient}. */
export interface KpnClientOptions {
  /** API base URL, e.g. `"https://api-prd.kpn.com"`. A trailing slash and a path prefix are allowed. */
  baseUrl: string;
  /** OAuth client id (the app's consumer key). */
  clientId: string;
  /** OAuth client secret. Never logged, never put in an error. */
  clientSecret: string;
  /**
   * Path of the send endpoint, below `baseUrl`.
   * @default "/communication/kpn/sms/send" (the legacy API uses "/messaging/sms-kpn/v1/send")
   */
  sendPath?: string;
  /**
   * Limit for one whole HTTP request: connect, headers and body.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Size of the keep-alive connection pool to the API. Ignored when `dispatcher` is given.
   * @default 128
   */
  connections?: number;
  /**
   * A cached token is replaced this long before its `expires_in` runs out (at half its lifetime
   * when the lifetime is shorter than twice this margin).
   * @default 60000
   */
  tokenRefreshMarginMs?: number;
  /**
   * Extra attempts for a token request that failed for a transient reason (network, timeout,
   * 5xx, 429). Refused credentials are never retried.
   * @default 2
   */
  tokenRetries?: number;
  /**
   * Extra attempts for a send whose connection could not be opened (refused, DNS, connect
   * timeout). Safe, since not a byte of the request was sent.
   * @default 2
   */
  connectRetries?: number;
  /**
   * undici dispatcher (Pool, Agent, …) to send through instead of a pool of the client's own.
   * The client does not close it.
   * @default a new undici Pool for the origin of `baseUrl`
   */
  dispatcher?: Dispatcher;
  /**
   * `User-Agent` header of every request.
   * @default "sms-relay/<package version>"
   */
  userAgent?: string;
}

/** Options with defaults applied and the base URL split for undici. */
export interface ResolvedOptions {
  origin: string;
  tokenPath: string;
  sendPath: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  connections: number;
  tokenRefreshMarginMs: number;
  tokenRetries: number;
  connectRetries: number;
  dispatcher: Dispatcher | undefined;
  userAgent: string;
}

const defaults = {
  sendPath: "/communication/kpn/sms/send",
  timeoutMs: 10_000,
  connections: 128,
  tokenRefreshMarginMs: 60_000,
  tokenRetries: 2,
  connectRetries: 2,
  userAgent: `sms-relay/${KPN_CLIENT_VERSION}`,
} satisfies Partial<KpnClientOptions>;

const TOKEN_PATH = "/oauth/client_credential/accesstoken?grant_type=client_credentials";

function invalid(message: string): KpnError {
  return new KpnError({ code: "KPN_INVALID_OPTIONS", kind: "permanent", message });
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null)
    return String(value);
  return typeof value;
}

function nonEmptyString(name: string, value: unknown, secret = false): string {
  if (typeof value !== "string" || value.trim() === "") {
    // A secret's value is never echoed, not even a wrong one.
    const shown = secret ? typeof value : describe(value);
    throw invalid(`KPN client option ${name} must be a non-empty string, got ${shown}`);
  }
  return value;
}

function integer(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw invalid(`KPN client option ${name} must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

function baseUrlParts(value: unknown): { origin: string; prefix: string } {
  const text = nonEmptyString("baseUrl", value);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(
      `KPN client option baseUrl must be an absolute http(s) URL, got ${describe(text)}`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(`KPN client option baseUrl must use http or https, got ${describe(text)}`);
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw invalid("KPN client option baseUrl must not carry credentials, a query or a fragment");
  }
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, "") };
}

/** Applies defaults and checks every option; a bad one throws `KPN_INVALID_OPTIONS` naming it. */
export function resolveOptions(options: KpnClientOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw invalid(`KPN client options must be an object, got ${describe(options)}`);
  }
  const { origin, prefix } = baseUrlParts(options.baseUrl);
  const sendPath = options.sendPath ?? defaults.sendPath;
  if (typeof sendPath !== "string" || !sendPath.startsWith("/") || /[\s?#]/.test(sendPath)) {
    throw invalid(
      `KPN client option sendPath must be a path starting with "/", got ${describe(sendPath)}`,
    );
  }
  const userAgent = options.userAgent ?? defaults.userAgent;
  if (typeof userAgent !== "string" || userAgent === "" || /[\r\n]/.test(userAgent)) {
    throw invalid(
      `KPN client option userAgent must be a one-line string, got ${describe(userAgent)}`,
    );
  }
  const dispatcher = options.dispatcher;
  if (
    dispatcher !== undefined &&
    (typeof dispatcher !== "object" ||
      dispatcher === null ||
      typeof dispatcher.request !== "function" ||
      typeof dispatcher.dispatch !== "function")
  ) {
    throw invalid(
      `KPN client option dispatcher must be an undici Dispatcher, got ${describe(dispatcher)}`,
    );
  }
  return {
    origin,
    tokenPath: `${prefix}${TOKEN_PATH}`,
    sendPath: `${prefix}${sendPath}`,
    clientId: nonEmptyString("clientId", options.clientId),
    clientSecret: nonEmptyString("clientSecret", options.clientSecret, true),
    timeoutMs: integer("timeoutMs", options.timeoutMs, defaults.timeoutMs, 1),
    connections: integer("connections", options.connections, defaults.connections, 1),
    tokenRefreshMarginMs: integer(
      "tokenRefreshMarginMs",
      options.tokenRefreshMarginMs,
      defaults.tokenRefreshMarginMs,
      0,
    ),
    tokenRetries: integer("tokenRetries", options.tokenRetries, defaults.tokenRetries, 0),
    connectRetries: integer("connectRetries", options.connectRetries, defaults.connectRetries, 0),
    dispatcher,
    userAgent,
  };
}
