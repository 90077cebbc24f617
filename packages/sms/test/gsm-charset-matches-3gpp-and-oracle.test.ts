import { describe, expect, it } from "vitest";
import {
  analyzeContent,
  GSM_BASIC_CHARACTERS,
  GSM_EXTENSION_CHARACTERS,
  isGsm7,
} from "../src/index.js";
import { oracle } from "./support/oracle.js";

describe("GSM 03.38 character set", () => {
  it("has the 127 basic characters (LF and CR included) and the 10 extension characters", () => {
    expect(new Set(GSM_BASIC_CHARACTERS).size).toBe(127);
    expect(GSM_BASIC_CHARACTERS).toContain("\n");
    expect(GSM_BASIC_CHARACTERS).toContain("\r");
    expect([...GSM_EXTENSION_CHARACTERS].sort()).toEqual([..."\f^{}\\[~]|€"].sort());
  });

  it("costs 1 septet per basic character and 2 per extension character", () => {
    for (const char of GSM_BASIC_CHARACTERS) {
      expect(analyzeContent(char), JSON.stringify(char)).toEqual({
        encoding: "GSM-7",
        units: 1,
        segments: 1,
      });
    }
    for (const char of GSM_EXTENSION_CHARACTERS) {
      expect(analyzeContent(char), JSON.stringify(char)).toEqual({
        encoding: "GSM-7",
        units: 2,
        segments: 1,
      });
    }
  });

  it("treats Ç (U+00C7, position 0x09 in 3GPP TS 23.038) as GSM-7 and ç as UCS-2", () => {
    expect(analyzeContent("Ç").encoding).toBe("GSM-7");
    expect(analyzeContent("ç").encoding).toBe("UCS-2");
    expect(analyzeContent("façade").encoding).toBe("UCS-2");
  });

  it.each([
    ["ideeën", "UCS-2"],
    ["België", "UCS-2"],
    ["Curaçao", "UCS-2"],
    ["‘quoted’", "UCS-2"],
    ["a – b", "UCS-2"],
    ["wacht…", "UCS-2"],
    ["10\u00a0euro", "UCS-2"],
    ["Café Ünïcode", "UCS-2"],
    ["Café Über", "GSM-7"],
    ["Prijs: €5 {actie} [nu] ~50% | ^_^ \\o/", "GSM-7"],
    ["Ελλάδα", "UCS-2"],
    ["ΔΦΓΛΩΠΨΣΘΞ", "GSM-7"],
  ])("classifies %j as %s", (text, encoding) => {
    expect(analyzeContent(text).encoding).toBe(encoding);
    expect(isGsm7(text)).toBe(encoding === "GSM-7");
  });

  it("agrees with Twilio's calculator on every BMP character on its own", () => {
    const disagreements: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      const ours = analyzeContent(char);
      const theirs = oracle(char);
      const theirUnits = theirs.encoding === "GSM-7" ? theirs.characters : char.length;
      if (ours.encoding !== theirs.encoding || ours.units !== theirUnits) {
        disagreements.push(code.toString(16));
      }
    }
    expect(disagreements).toEqual([]);
  });
});
