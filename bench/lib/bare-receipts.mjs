import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

/** Where the bare receiver writes: one hash per report, named by its DLRID. */
export const BARE_REPORT_PREFIX = "bare:dlr:";

/**
 * The baseline of the receipts app: the least a receiver of signed KPN reports must do. A plain
 * `node:http` server that reads the whole body, checks `X-KPN-Webhook-Signature` (hex
 * HMAC-SHA256 of the raw body, compared in constant time), parses the JSON and writes one Redis
 * hash per report with `HSET`, then answers 204. No key ids, field-name variants, number
 * normalization, de-duplication, matching to an SMS, metrics or body limit.
 * @param {{ redis: import("ioredis").Redis, secret: string }} options
 * @returns {import("node:http").Server}
 */
export function createBareReceiptsServer({ redis, secret }) {
  return createServer((request, response) => {
    /** @type {Buffer[]} */
    const chunks = [];
    request.on("error", () => response.destroy());
    request.on("data", (/** @type {Buffer} */ chunk) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const signature = request.headers["x-kpn-webhook-signature"];
      const given = typeof signature === "string" ? Buffer.from(signature, "hex") : Buffer.alloc(0);
      const expected = createHmac("sha256", secret).update(body).digest();
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        response.writeHead(401).end();
        return;
      }
      /** @type {Record<string, unknown>} */
      let report;
      try {
        report = JSON.parse(body.toString("utf8"));
      } catch {
        response.writeHead(400).end();
        return;
      }
      const reference = (request.url ?? "").slice((request.url ?? "").lastIndexOf("/") + 1);
      redis
        .hset(`${BARE_REPORT_PREFIX}${String(report.DLRID)}`, {
          reference,
          recipient: String(report.RecipientPhonenumber),
          status: String(report.Status),
          at: String(report.StatusDateTime),
          code: String(report.ErrorCode),
        })
        .then(
          () => response.writeHead(204).end(),
          () => response.writeHead(503).end(),
        );
    });
  });
}
