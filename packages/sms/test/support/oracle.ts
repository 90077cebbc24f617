import { SegmentedMessage } from "sms-segments-calculator";

/** What Twilio's open-source segment calculator says about a text. */
export interface OracleVerdict {
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  /** Septets for GSM-7 (extension characters count 2); graphemes for UCS-2. */
  characters: number;
}

export function oracle(text: string): OracleVerdict {
  const message = new SegmentedMessage(text);
  return {
    encoding: message.encodingName,
    segments: message.segmentsCount,
    characters: message.numberOfCharacters,
  };
}
