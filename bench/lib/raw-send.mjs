import { Pool } from "undici";

/** The send path the worker uses by default. */
export const SEND_PATH = "/communication/kpn/sms/send";

/**
 * @typedef {object} RawSender
 * @property {(to: string, content: string, sender: string) => Promise<string>} send
 *   posts one message and resolves with its `document_id`
 * @property {() => Promise<void>} close
 */

/**
 * The baseline of the KPN sends: one undici Pool and a fixed bearer token; no token cache, no
 * timeouts of its own, no retries, no error classification. What a hand-written sender does.
 * @param {{ baseUrl: string, token: string, connections: number }} options
 * @returns {RawSender}
 */
export function createRawSender({ baseUrl, token, connections }) {
  const pool = new Pool(baseUrl, { connections });
  const headers = {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    accept: "application/json",
  };
  return {
    async send(to, content, sender) {
      const { statusCode, body } = await pool.request({
        method: "POST",
        path: SEND_PATH,
        headers,
        body: JSON.stringify({ messages: [{ content, mobile_number: to }], sender }),
      });
      const answer = /** @type {{ document_id?: unknown }} */ (await body.json());
      if (statusCode !== 200 || typeof answer.document_id !== "string") {
        throw new Error(`the sandbox answered ${statusCode} without a document_id`);
      }
      return answer.document_id;
    },
    close: () => pool.close(),
  };
}
