import { measureContent, type SmsEncoding } from "./content-analysis.js";
import { splitContent } from "./split-content.js";

/** How a message goes out: the parts sent, and what they cost together. */
export interface MessagePlan {
  /** `splitContent(content, maxContentLength)`: each part is sent as its own message. */
  parts: string[];
  /** The sum of each part's segments: what the network bills. 0 for empty content. */
  segments: number;
  /** `UCS-2` when any part is UCS-2, else `GSM-7`. */
  encoding: SmsEncoding;
  /** The sum of each part's units (septets for GSM-7 parts, code units for UCS-2 parts). */
  units: number;
}

/**
 * Plans a message for an account whose per-message content limit is `maxContentLength`
 * (KPN: 1000 code units, 160 on sandbox accounts).
 *
 * @throws {SmsInputError} `SMS_INVALID_CONTENT` when `maxContentLength` is not a positive integer.
 * @example
 * planMessage("Hallo!", 1000); // { parts: ["Hallo!"], segments: 1, encoding: "GSM-7", units: 6 }
 */
export function planMessage(content: string, maxContentLength: number): MessagePlan {
  const parts = splitContent(content, maxContentLength);
  let segments = 0;
  let units = 0;
  let encoding: SmsEncoding = "GSM-7";
  for (const part of parts) {
    const measure = measureContent(part);
    segments += measure.segments;
    units += measure.units;
    if (measure.encoding === "UCS-2") encoding = "UCS-2";
  }
  return { parts, segments, encoding, units };
}
