import pRetry from "p-retry";
import type { Dispatcher } from "undici";
import type { Deadlines } from "./deadlines.js";
import { isKpnError, KpnError } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import {
  describeFacts,
  isAuthFailure,
  isRedirect,
  redirectFailure,
  responseFacts,
} from "./response-error.js";
import { secretScrubber } from "./secret-scrubber.js";
import { postToApi } from "./transport.js";

/** Shared OAuth access token: cached, refreshed before expiry, one request in flight. */
export interface TokenCache {
  get(signal?: AbortSignal): Promise<string>;
  /** The cached token while it is fresh, without a promise: the send path's fast lane. */
  current(): string | undefined;
  invalidate(token?: string): void;
  readonly requests: number;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

/** Used when a token response carries no readable `expires_in`; the 401 path covers the rest. */
const FALLBACK_LIFETIME_MS = 300_000;
const RETRY_MIN_DELAY_MS = 200;

/** Creates the token cache of one client. */
export function createTokenCache(
  options: ResolvedOptions,
  dispatcher: Dispatcher,
  deadlines: Deadlines,
): TokenCache {
  let cached: CachedToken | undefined;
  let inFlight: Promise<string> | undefined;
  let requests = 0;
  const form = new URLSearchParams({
    client_id: options.clientId,
    client_secret: options.clientSecret,
  }).toString();
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
    "user-agent": options.userAgent,
  };
  const hide = secretScrubber(options.clientSecret);
  const tokenPathName = options.tokenPath.replace(/\?.*$/, "");

  async function requestOnce(): Promise<CachedToken> {
    requests += 1;
    const startedAt = Date.now();
    let response: Awaited<ReturnType<typeof postToApi>>;
    try {
      response = await postToApi(
        dispatcher,
        options.origin,
        {
          label: "KPN token request",
          path: options.tokenPath,
          headers,
          body: form,
          timeoutMs: options.timeoutMs,
          actsOnApi: false,
        },
        deadlines,
      );
    } catch (error) {
      if (!isKpnError(error)) throw error;
      throw new KpnError({
        code: "KPN_TOKEN_FAILED",
        kind: "transient",
        message: error.message,
        cause: error,
      });
    }
    let unusable = "carried no access_token";
    let text = response.text;
    if (response.status === 200) {
      const token = readToken(text, startedAt, options.tokenRefreshMarginMs);
      if (typeof token === "object") return token;
      if (token !== undefined) {
        unusable = `carried an access_token that is not a header-safe token (${token.length} characters)`;
        // Not a credential anyone can use, yet not one to keep in an error either, however the
        // body escapes it: the body is dropped.
        text = "";
      }
    }
    // Scrubbed before parsing too, so that no field cut short while parsing keeps a piece of it.
    const facts = responseFacts({ ...response, text: hide(text) });
    facts.body = hide(facts.body);
    if (facts.apiCode !== undefined) facts.apiCode = hide(facts.apiCode);
    if (facts.apiMessage !== undefined) facts.apiMessage = hide(facts.apiMessage);
    for (const name of Object.keys(facts.headers)) {
      facts.headers[name] = hide(facts.headers[name] ?? "");
    }
    const { status } = facts;
    if (isRedirect(facts)) {
      // A configuration fault, not refused credentials: told apart so nobody rotates a secret
      // (or dead-letters an SMS) over a base URL that points at a login page.
      throw redirectFailure(facts, "KPN token request", `baseUrl (token path ${tokenPathName})`);
    }
    if (status === 200) {
      // `"status":"approved"` of a token answer is no error code.
      delete facts.apiCode;
      delete facts.apiMessage;
      throw new KpnError({
        ...facts,
        code: "KPN_TOKEN_FAILED",
        kind: "transient",
        message: `KPN token response (200) ${unusable}`,
      });
    }
    const detail = describeFacts(facts);
    const refused =
      (status >= 400 && status < 500 && status !== 408 && status !== 429) || isAuthFailure(facts);
    if (refused) {
      throw new KpnError({
        ...facts,
        code: "KPN_AUTH_FAILED",
        kind: "auth",
        message: `KPN API refused the client credentials ${detail}`,
      });
    }
    throw new KpnError({
      ...facts,
      code: "KPN_TOKEN_FAILED",
      kind: "transient",
      message: `KPN token request failed ${detail}`,
    });
  }

  function fetchToken(): Promise<CachedToken> {
    return pRetry(requestOnce, {
      retries: options.tokenRetries,
      minTimeout: RETRY_MIN_DELAY_MS,
      factor: 2,
      shouldRetry: ({ error }) => isKpnError(error) && error.code === "KPN_TOKEN_FAILED",
    });
  }

  function refresh(): Promise<string> {
    if (inFlight !== undefined) return inFlight;
    const pending = (async () => {
      try {
        const token = await fetchToken();
        cached = token;
        return token.token;
      } finally {
        inFlight = undefined;
      }
    })();
    inFlight = pending;
    return pending;
  }

  return {
    get(signal?: AbortSignal): Promise<string> {
      if (cached !== undefined && Date.now() < cached.refreshAt)
        return Promise.resolve(cached.token);
      const pending = refresh();
      return signal === undefined ? pending : untilAborted(pending, signal);
    },
    current(): string | undefined {
      return cached !== undefined && Date.now() < cached.refreshAt ? cached.token : undefined;
    },
    invalidate(token?: string): void {
      if (cached !== undefined && (token === undefined || cached.token === token))
        cached = undefined;
    },
    get requests() {
      return requests;
    },
  };
}

/**
 * What may go into `Authorization: Bearer …`: visible ASCII (RFC 6750's b64token and more), of
 * a sane length. Anything else would make undici refuse every send, or send huge headers.
 */
const USABLE_TOKEN = /^[\x21-\x7e]{1,4096}$/;

/**
 * The token of a 200 answer; the `access_token` string itself when it is not {@link USABLE_TOKEN};
 * `undefined` when there is none.
 */
function readToken(
  text: string,
  startedAt: number,
  marginMs: number,
): CachedToken | string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null) return undefined;
  const { access_token: token, expires_in: expiresIn } = body as Record<string, unknown>;
  if (typeof token !== "string" || token === "") return undefined;
  if (!USABLE_TOKEN.test(token)) return token;
  const seconds = typeof expiresIn === "number" ? expiresIn : Number(expiresIn);
  const lifetimeMs =
    expiresIn !== "" && Number.isFinite(seconds) && seconds >= 0
      ? seconds * 1000
      : FALLBACK_LIFETIME_MS;
  // Counted from when the request started, so the cache errs on the early side.
  return { token, refreshAt: startedAt + Math.max(lifetimeMs - marginMs, lifetimeMs / 2) };
}

/** Lets one caller stop waiting for the shared token request without cancelling it for the rest. */
function untilAborted(pending: Promise<string>, signal: AbortSignal): Promise<string> {
  if (signal.aborted) return Promise.reject(abortedWhileWaiting(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortedWhileWaiting(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (token) => {
        signal.removeEventListener("abort", onAbort);
        resolve(token);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function abortedWhileWaiting(signal: AbortSignal): KpnError {
  return new KpnError({
    code: "KPN_TIMEOUT",
    kind: "transient",
    message: "KPN send request was aborted by the caller while waiting for an access token",
    cause: signal.reason,
  });
}
