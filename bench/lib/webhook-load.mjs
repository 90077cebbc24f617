import { createHmac, randomUUID } from "node:crypto";
import { mobileNumber } from "./corpus.mjs";
import { timeInFlight } from "./rounds.mjs";

/** The path of the receipts app's webhook, before the reference. */
export const DLR_PATH = "/kpn/dlr/";

/**
 * One webhook request, built and signed before the clock starts.
 * @typedef {object} SignedReport
 * @property {string} reference the last segment of its path: the request the report is about
 * @property {string} recipient E.164, as the worker wrote it beside the reference
 * @property {string} body the raw JSON body
 * @property {Record<string, string>} headers
 */

/**
 * Single delivery reports as the KPN sandbox posts them (one `Delivered` report per body, its
 * own `DLRID`, `StatusDateTime` in epoch seconds), one per reference, signed with `secret`.
 * @param {{ references: readonly string[], keyId: string, secret: string }} options
 * @returns {SignedReport[]}
 */
export function signedReports({ references, keyId, secret }) {
  const at = Math.floor(Date.now() / 1000);
  return references.map((reference, i) => {
    const recipient = mobileNumber(i);
    const body = JSON.stringify({
      DLRID: randomUUID(),
      document_id: randomUUID(),
      RecipientPhonenumber: recipient,
      Status: 1,
      StatusDescription: "Delivered",
      StatusDateTime: at,
      ErrorCode: "000",
    });
    return {
      reference,
      recipient,
      body,
      headers: {
        "content-type": "application/json",
        "x-kpn-webhook-signature": createHmac("sha256", secret).update(body).digest("hex"),
        "x-kpn-webhook-timestamp": String(at),
        "x-kpn-webhook-key-id": keyId,
        "x-kpn-webhook-attempt": "1",
      },
    };
  });
}

/**
 * @typedef {object} LoadResult
 * @property {number} elapsedMs from the first request until the last answer was read
 * @property {Float64Array} answerMs per request, from sending it until its answer was read
 */

/**
 * Posts every report with at most `inFlight` requests open at once, as a closed loop: each
 * connection sends its next report as soon as the previous one is answered. Rejects on the
 * first answer other than 204.
 * @param {import("undici").Pool} pool
 * @param {readonly SignedReport[]} reports
 * @param {number} inFlight
 * @returns {Promise<LoadResult>}
 */
export async function postReports(pool, reports, inFlight) {
  const answerMs = new Float64Array(reports.length);
  const elapsedMs = await timeInFlight(reports.length, inFlight, async (i) => {
    const report = /** @type {SignedReport} */ (reports[i]);
    const sent = performance.now();
    const { statusCode, body } = await pool.request({
      method: "POST",
      path: `${DLR_PATH}${report.reference}`,
      headers: report.headers,
      body: report.body,
    });
    await body.dump();
    answerMs[i] = performance.now() - sent;
    if (statusCode !== 204) {
      throw new Error(`a delivery report was answered ${statusCode}, not 204`);
    }
  });
  return { elapsedMs, answerMs };
}
