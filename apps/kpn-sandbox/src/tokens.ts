import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** Apigee access tokens are 28 alphanumeric characters. */
const TOKEN_LENGTH = 28;
/** Past this many live tokens, expired ones are swept on the next issue. */
const SWEEP_ABOVE = 10_000;

/** Outcome of checking a bearer token. */
export type TokenCheck = "valid" | "missing" | "unknown" | "expired";

/** Issued access tokens and their expiry. */
export interface TokenStore {
  /** Issues a token that expires `ttlSeconds` from now. */
  issue(ttlSeconds: number, now: number): string;
  /** Checks an `Authorization` header value. */
  check(authorization: string | undefined, now: number): TokenCheck;
  /** Makes every token issued so far expired. */
  expireAll(): void;
}

function randomToken(): string {
  const bytes = randomBytes(TOKEN_LENGTH);
  let token = "";
  // 256 is not a multiple of 62, so the first letters are a little likelier: harmless here.
  for (const byte of bytes) token += ALPHABET[byte % ALPHABET.length];
  return token;
}

/** Creates an empty {@link TokenStore}. */
export function createTokenStore(): TokenStore {
  // token → expiry in epoch ms. Expired tokens are kept (until swept) so that they can be told
  // apart from unknown ones, as the gateway does.
  const expiries = new Map<string, number>();
  // Expired tokens are remembered a while for the "expired" answer, then forgotten.
  const rememberExpiredMs = 3_600_000;
  // Raised after each sweep so that many live tokens do not make every issue a full scan.
  let sweepAbove = SWEEP_ABOVE;

  function sweep(now: number): void {
    for (const [token, expiresAt] of expiries) {
      if (expiresAt + rememberExpiredMs < now) expiries.delete(token);
    }
  }

  return {
    issue(ttlSeconds, now) {
      if (expiries.size > sweepAbove) {
        sweep(now);
        sweepAbove = Math.max(SWEEP_ABOVE, expiries.size * 2);
      }
      const token = randomToken();
      expiries.set(token, now + ttlSeconds * 1000);
      return token;
    },
    check(authorization, now) {
      if (!authorization) return "missing";
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
      if (!match?.[1]) return "missing";
      const expiresAt = expiries.get(match[1]);
      if (expiresAt === undefined) return "unknown";
      return now < expiresAt ? "valid" : "expired";
    },
    expireAll() {
      // Marking rather than deleting keeps the "expired" answer for them.
      const now = Date.now();
      for (const [token, expiresAt] of expiries) {
        if (expiresAt > now - 1) expiries.set(token, now - 1);
      }
    },
  };
}
