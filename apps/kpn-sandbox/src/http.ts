import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

/** Bodies above this are refused with 413: 200 messages of 1000 characters fit with room. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

const JSON_TYPE = "application/json";

/**
 * Reads the whole request body as UTF-8. Calls back `undefined` when it is larger than
 * {@link MAX_BODY_BYTES} (the rest is still drained so the connection can be answered).
 */
export function readBody(req: IncomingMessage, done: (body: string | undefined) => void): void {
  let body = "";
  let bytes = 0;
  let tooLarge = false;
  req.setEncoding("utf8");
  req.on("data", (chunk: string) => {
    if (tooLarge) return;
    bytes += Buffer.byteLength(chunk);
    if (bytes > MAX_BODY_BYTES) {
      tooLarge = true;
      body = "";
      return;
    }
    body += chunk;
  });
  req.on("end", () => done(tooLarge ? undefined : body));
  // An aborted request ends with "error" and "close" only: there is nobody left to answer.
  req.on("error", () => {});
}

/** Answers with a JSON body. Does nothing when the client is already gone. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: OutgoingHttpHeaders,
): void {
  if (res.destroyed || res.headersSent) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": JSON_TYPE,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** An Apigee gateway fault body. */
export function gatewayFault(faultstring: string, errorcode: string): string {
  return JSON.stringify({ fault: { faultstring, detail: { errorcode } } });
}

/** The API's own error body. */
export function apiError(code: string, message: string, info: string): string {
  return JSON.stringify({ errorResponse: { code, message, info } });
}

/** Answers 405 with the methods the route allows. */
export function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(
    res,
    405,
    gatewayFault("Method not allowed", "messaging.adaptors.http.flow.MethodNotAllowed"),
    { allow },
  );
}

/** Answers 404 the way the gateway does for a path no proxy serves. */
export function notFound(res: ServerResponse, path: string): void {
  sendJson(
    res,
    404,
    gatewayFault(
      `Unable to identify proxy for host: default and url: ${path}`,
      "messaging.adaptors.http.flow.ApplicationNotFound",
    ),
  );
}
