import type { IncomingMessage } from "node:http";

/** Largest request body accepted: 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The body was larger than the limit; what came past it was not kept. */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  /** Always `"RECEIPTS_BODY_TOO_LARGE"`. */
  readonly code = "RECEIPTS_BODY_TOO_LARGE";
}

/**
 * Reads a request body up to `limit` bytes. A `Content-Length` over the limit is refused before
 * any byte is read; a body that grows past it is refused at that chunk, and nothing more of it
 * is kept (the rest is read and dropped, so that the client still gets the answer).
 */
export function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      reject(new BodyTooLargeError(`body of ${declared} bytes is over ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        request.off("data", onData);
        request.off("end", onEnd);
        request.resume();
        reject(new BodyTooLargeError(`body is over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    // A report is small and usually comes in one chunk, which needs no copy.
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", reject);
  });
}
