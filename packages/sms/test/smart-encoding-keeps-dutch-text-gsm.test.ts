import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeContent, isGsm7, toGsmEquivalents } from "../src/index.js";
import { trickyText } from "./support/alphabets.js";
import { numRuns } from "./support/num-runs.js";

describe("smart encoding", () => {
  it.each([
    ["‘enkele’ en “dubbele” aanhalingstekens", "'enkele' en \"dubbele\" aanhalingstekens"],
    ["„Dutch low quotes”", '"Dutch low quotes"'],
    ["10–12 uur — of later", "10-12 uur - of later"],
    ["Even geduld…", "Even geduld..."],
    ["€\u00a010,00 om 10\u202fuur", "€ 10,00 om 10 uur"],
    ["tab\there", "tab here"],
    ["zero\u200bwidth\u00adsoft", "zerowidthsoft"],
    ["«citaat» ‹a›", '"citaat" <a>'],
    ["ＦＵＬＬ１", "FULL1"],
    ["• punt", "- punt"],
  ])("turns %j into %j", (text, expected) => {
    expect(toGsmEquivalents(text)).toBe(expected);
    expect(isGsm7(expected)).toBe(true);
  });

  it("leaves letters alone: ë, ï and ç keep their spelling", () => {
    expect(toGsmEquivalents("ideeën, naïef, façade")).toBe("ideeën, naïef, façade");
  });

  it("leaves emoji sequences intact (ZWJ and variation selectors stay)", () => {
    expect(toGsmEquivalents("👨‍👩‍👧 ❤️")).toBe("👨‍👩‍👧 ❤️");
  });

  it("is off by default, and reports what would change when asked", () => {
    const text = "“Uw bestelling” is onderweg – tot zo…";
    expect(analyzeContent(text)).toEqual({ encoding: "UCS-2", units: 37, segments: 1 });
    expect(analyzeContent(text, { smartEncoding: true }).smartEncoding).toEqual({
      text: '"Uw bestelling" is onderweg - tot zo...',
      encoding: "GSM-7",
      units: 39,
      segments: 1,
      replacements: [
        { from: "“", to: '"', count: 1 },
        { from: "”", to: '"', count: 1 },
        { from: "–", to: "-", count: 1 },
        { from: "…", to: "...", count: 1 },
      ],
    });
  });

  it("saves segments on a long Dutch message", () => {
    const text = "Beste klant, uw pakket “12345” wordt morgen bezorgd – vragen? Bel ons. ".repeat(
      3,
    );
    const analysis = analyzeContent(text, { smartEncoding: true });
    expect(analysis).toMatchObject({ encoding: "UCS-2", segments: 4 });
    expect(analysis.smartEncoding).toMatchObject({ encoding: "GSM-7", segments: 2 });
  });

  it("reports no replacements for text that needs none", () => {
    expect(analyzeContent("Hallo", { smartEncoding: true }).smartEncoding).toEqual({
      text: "Hallo",
      encoding: "GSM-7",
      units: 5,
      segments: 1,
      replacements: [],
    });
  });

  it("counts every replacement and is stable when applied twice", () => {
    fc.assert(
      fc.property(trickyText(120), (text) => {
        const smart = analyzeContent(text, { smartEncoding: true }).smartEncoding!;
        expect(smart.text).toBe(toGsmEquivalents(text));
        expect(toGsmEquivalents(smart.text)).toBe(smart.text);
        const replaced = smart.replacements.reduce((sum, r) => sum + r.count, 0);
        const lengthChange = smart.replacements.reduce(
          (sum, r) => sum + r.count * (r.to.length - r.from.length),
          0,
        );
        expect(smart.text.length).toBe(text.length + lengthChange);
        expect(replaced === 0).toBe(smart.text === text);
        expect(smart).toMatchObject(analyzeContent(smart.text));
      }),
      { numRuns: numRuns(2000) },
    );
  });
});
