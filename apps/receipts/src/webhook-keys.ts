import { createHmac, timingSafeEqual } from "node:crypto";

/** One signing key of the KPN webhook. */
export interface WebhookKey {
  /** The `X-KPN-Webhook-Key-Id` it is chosen by; `*` matches any key id. */
  id: string;
  /** HMAC-SHA256 secret. Never logged. */
  secret: string;
}

/** The key id that stands for any key id. */
export const ANY_KEY_ID = "*";

/**
 * Parses `keyId:secret[,keyId:secret…]` (split at each entry's first `:`, so a secret may hold
 * `:`). Returns the keys, or a reason (naming the entry by position, never its secret).
 */
export function parseWebhookKeys(value: string): WebhookKey[] | string {
  const keys: WebhookKey[] = [];
  const entries = value.split(",");
  for (const [index, raw] of entries.entries()) {
    const entry = raw.trim();
    const colon = entry.indexOf(":");
    const id = colon === -1 ? "" : entry.slice(0, colon).trim();
    const secret = colon === -1 ? "" : entry.slice(colon + 1);
    if (id === "" || secret === "") {
      return `entry ${index + 1} must be keyId:secret with both parts set (value hidden)`;
    }
    keys.push({ id, secret });
  }
  return keys;
}

/** Length of a hex HMAC-SHA256. */
const SIGNATURE_HEX_LENGTH = 64;

/**
 * Answers whether `signature` (hex HMAC-SHA256 of `body`) was made with the key named by `keyId`,
 * or with any `*` key. Compared in constant time over equal-length buffers, so the answer time
 * tells nothing about how much of a forged signature was right.
 */
export function signatureMatches(
  keys: readonly WebhookKey[],
  keyId: string | undefined,
  signature: string | undefined,
  body: Buffer,
): boolean {
  if (signature === undefined || signature.length !== SIGNATURE_HEX_LENGTH) return false;
  // Decoding stops at the first pair that is not hex, so only 64 hex digits give 32 bytes.
  const given = Buffer.from(signature, "hex");
  if (given.length !== SIGNATURE_HEX_LENGTH / 2) return false;
  let matched = false;
  for (const key of keys) {
    if (key.id !== ANY_KEY_ID && key.id !== keyId) continue;
    const expected = createHmac("sha256", key.secret).update(body).digest();
    // Every candidate is checked, match or not, so timing does not tell which key matched.
    if (timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

/** Hex HMAC-SHA256 of a body with a secret: the `X-KPN-Webhook-Signature` KPN sends. */
export function signWebhookBody(secret: string, body: Buffer | string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}
