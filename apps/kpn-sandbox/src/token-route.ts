import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxContext } from "./context.js";
import { gatewayFault, methodNotAllowed, readBody, sendJson } from "./http.js";

/** The token endpoint of the real API. */
export const TOKEN_PATH = "/oauth/client_credential/accesstoken";

const APPLICATION_NAME = randomUUID();

function invalidRequest(res: ServerResponse, error: string): void {
  sendJson(res, 400, { ErrorCode: "invalid_request", Error: error });
}

/** Credentials from the form body, or from a Basic `Authorization` header as Apigee allows. */
function credentials(
  req: IncomingMessage,
  form: URLSearchParams,
): { id: string | null; secret: string | null } {
  const id = form.get("client_id");
  const secret = form.get("client_secret");
  if (id !== null || secret !== null) return { id, secret };
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!match?.[1]) return { id: null, secret: null };
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { id: decoded, secret: null };
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * `POST /oauth/client_credential/accesstoken?grant_type=client_credentials` with
 * `client_id` and `client_secret` in a form body. Answers like Apigee: every value a string.
 */
export function handleTokenRequest(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
): void {
  if (req.method !== "POST") {
    req.resume();
    methodNotAllowed(res, "POST");
    return;
  }
  ctx.recorder.tokenRequest();
  // Drawn before reading the body so that the order of draws is the order of arrival.
  const failDraw = ctx.tokenRandom();
  const faults = ctx.faults;
  readBody(req, (body) => {
    if (failDraw < faults.tokenErrorRate) {
      sendJson(
        res,
        500,
        gatewayFault("Internal Server Error", "messaging.runtime.UnknownException"),
      );
      return;
    }
    const grantType = new URLSearchParams(query).get("grant_type");
    if (grantType === null || grantType === "") {
      invalidRequest(res, "Required param : grant_type");
      return;
    }
    if (grantType !== "client_credentials") {
      invalidRequest(res, `Unsupported grant type : ${grantType}`);
      return;
    }
    const { id, secret } = credentials(req, new URLSearchParams(body ?? ""));
    if (id !== ctx.clientId || secret !== ctx.clientSecret) {
      sendJson(res, 401, { ErrorCode: "invalid_client", Error: "ClientId is Invalid" });
      return;
    }
    const now = Date.now();
    const ttl = faults.tokenTtlSeconds;
    sendJson(res, 200, {
      refresh_token_expires_in: "0",
      api_product_list: "[SMS]",
      organization_name: "kpn",
      developer_email: "sandbox@example.com",
      token_type: "Bearer",
      issued_at: String(now),
      client_id: ctx.clientId,
      access_token: ctx.tokens.issue(ttl, now),
      application_name: APPLICATION_NAME,
      scope: "",
      expires_in: String(ttl),
      refresh_count: "0",
      status: "approved",
    });
  });
}
