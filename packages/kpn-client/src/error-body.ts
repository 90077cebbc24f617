/** What {@link parseErrorBody} could read from an error response. */
export interface ParsedErrorBody {
  code?: string;
  message?: string;
}

type JsonObject = Record<string, unknown>;

const MAX_PLAIN_MESSAGE_LENGTH = 200;
/** Longest code or message read out of a body: a server may put a whole page in a field. */
const MAX_FIELD_LENGTH = 1000;

/**
 * Reads the code and message out of a KPN error body, whichever shape it has:
 * `{"errorResponse":{code,message,info}}` (the API), `{"fault":{faultstring,detail:{errorcode}}}`
 * (the Apigee gateway), `{"error":{name,message,info,…}}`, the same flat, and the OAuth shapes
 * `{"error":"invalid_client","error_description":…}` / `{"ErrorCode":…,"Error":…}`.
 * Key names are matched case-insensitively. A short plain-text body (or JSON string) becomes the
 * message; anything else unreadable gives `{}`. A code or message longer than 1000 characters is
 * cut there.
 *
 * @example
 * parseErrorBody('{"fault":{"faultstring":"Invalid Access Token","detail":{"errorcode":"oauth.v2.InvalidAccessToken"}}}');
 * // { code: "oauth.v2.InvalidAccessToken", message: "Invalid Access Token" }
 */
export function parseErrorBody(text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  const first = trimmed[0];
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return first === "{" || first === "[" ? {} : plainText(trimmed);
  }
  if (typeof json === "string") return plainText(json);
  if (Array.isArray(json)) json = json[0];
  if (!isObject(json)) return {};
  return readObject(json);
}

function readObject(body: JsonObject): ParsedErrorBody {
  const errorResponse = field(body, "errorResponse");
  if (isObject(errorResponse)) return readFlat(errorResponse);

  const fault = field(body, "fault");
  if (isObject(fault)) {
    const detail = field(fault, "detail");
    return compact({
      code:
        text(isObject(detail) ? field(detail, "errorcode") : undefined) ??
        text(field(fault, "code")),
      message: text(field(fault, "faultstring")) ?? text(field(fault, "message")),
    });
  }

  // Apigee's OAuth policy: {"ErrorCode":"invalid_client","Error":"ClientId is Invalid"}
  const apigeeCode = text(field(body, "ErrorCode"));
  if (apigeeCode !== undefined) {
    return compact({ code: apigeeCode, message: text(field(body, "Error")) });
  }

  const error = field(body, "error");
  if (isObject(error)) return readFlat(error);
  if (typeof error === "string") {
    // OAuth 2.0 (RFC 6749 §5.2): {"error":"invalid_client","error_description":"…"}
    return compact({
      code: error,
      message: text(field(body, "error_description")) ?? text(field(body, "message")),
    });
  }

  return readFlat(body);
}

/** `{code|name|errorcode|status, message|description, info}`, as used inside most shapes. */
function readFlat(body: JsonObject): ParsedErrorBody {
  const code =
    text(field(body, "code")) ??
    text(field(body, "name")) ??
    text(field(body, "errorcode")) ??
    text(field(body, "status"));
  const message =
    text(field(body, "message")) ??
    text(field(body, "description")) ??
    text(field(body, "error_description"));
  const info = text(field(body, "info"));
  if (info === undefined || info === message) return compact({ code, message });
  return compact({ code, message: message === undefined ? info : `${message} (${info})` });
}

function plainText(body: string): ParsedErrorBody {
  if (body.length > MAX_PLAIN_MESSAGE_LENGTH || body.startsWith("<")) return {};
  return { message: oneLine(body) };
}

function field(body: JsonObject, name: string): unknown {
  if (name in body) return body[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(body)) {
    if (key.toLowerCase() === lower) return body[key];
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") {
    const line = oneLine(value);
    if (line === "") return undefined;
    return line.length > MAX_FIELD_LENGTH ? `${line.slice(0, MAX_FIELD_LENGTH - 1)}…` : line;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isObject(value) || Array.isArray(value)) {
    const json = JSON.stringify(value);
    return json.length > MAX_PLAIN_MESSAGE_LENGTH
      ? `${json.slice(0, MAX_PLAIN_MESSAGE_LENGTH)}…`
      : json;
  }
  return undefined;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function compact(parsed: {
  code: string | undefined;
  message: string | undefined;
}): ParsedErrorBody {
  const result: ParsedErrorBody = {};
  if (parsed.code !== undefined) result.code = parsed.code;
  if (parsed.message !== undefined) result.message = parsed.message;
  return result;
}
