export { createKpnClient } from "./client.js";
export { type ParsedErrorBody, parseErrorBody } from "./error-body.js";
export {
  isKpnError,
  KPN_ERROR_KINDS,
  KpnError,
  type KpnErrorCode,
  type KpnErrorDetails,
  type KpnErrorKind,
} from "./errors.js";
export type { KpnClientOptions } from "./options.js";
export { parseRetryAfter } from "./retry-after.js";
export type { KpnClient, KpnMessage, SendSmsRequest, SendSmsResult } from "./types.js";
export { KPN_CLIENT_VERSION } from "./version.js";
