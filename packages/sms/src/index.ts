/**
 * @sms-relay/sms: the SMS domain as pure functions, without I/O: Dutch mobile numbers,
 * senders, GSM-7/UCS-2 encoding, segment counts and splitting.
 *
 * Glossary:
 * - **septet**: a 7-bit GSM 03.38 character code. A basic-set character takes 1 septet, an
 *   extension character (`€`, `[`, `{`, `|`, `^`, `~`, `\`, `]`, `}`, form feed) takes 2:
 *   the escape septet and its code.
 * - **code unit**: a 16-bit UTF-16 unit, which is what a JavaScript string's `length` counts
 *   and what a UCS-2 SMS carries. An emoji outside the BMP takes 2 (a surrogate pair).
 * - **segment**: one SMS on the air, 140 octets: 160 septets or 70 code units alone, 153
 *   septets or 67 code units when part of a concatenated message (6 octets go to the header).
 *   Networks bill segments.
 * - **part**: one message handed to the KPN API. Content longer than the account's limit
 *   (1000 code units) is split into parts; the network splits each part into segments, and
 *   the handset joins the segments of one part, not the parts.
 */

export {
  type AnalyzeContentOptions,
  analyzeContent,
  type ContentAnalysis,
  type ContentMeasure,
  type SmsEncoding,
} from "./content-analysis.js";
export { SmsInputError, type SmsInputErrorCode, type SmsInputErrorOptions } from "./errors.js";
export { GSM_BASIC_CHARACTERS, GSM_EXTENSION_CHARACTERS, isGsm7 } from "./gsm-charset.js";
export { isMobileNumber, maskMobileNumber, normalizeMobileNumber } from "./mobile-number.js";
export { type MessagePlan, planMessage } from "./plan-message.js";
export { validateSender } from "./sender.js";
export { type GsmReplacement, toGsmEquivalents } from "./smart-encoding.js";
export { splitContent } from "./split-content.js";
