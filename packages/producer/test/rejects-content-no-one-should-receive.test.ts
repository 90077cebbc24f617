import { describe, expect, it } from "vitest";
import {
  contentProblem,
  MAX_DELAY_MS,
  type SendSmsInput,
  type SmsValidationError,
  smsJobDataSchema,
} from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const fixture = useRedis();

const valid: SendSmsInput = { to: "0612345678", content: "Hallo!", sender: "MyShop" };

async function rejection(promise: Promise<unknown>): Promise<SmsValidationError | undefined> {
  return (await promise.then(
    () => undefined,
    (error: unknown) => error,
  )) as SmsValidationError | undefined;
}

/** Content the API must never be sent, and what the reason says. */
const refused: Array<[string, string, RegExp]> = [
  ["a space", " ", /visible/],
  ["spaces, tabs aside, and line breaks", "  \n\r\n  ", /visible/],
  ["a no-break space", "\u00A0", /visible/],
  ["an ideographic space", "\u3000", /visible/],
  ["a line separator", "\u2028", /visible/],
  ["a zero-width space", "\u200B", /visible/],
  ["a byte order mark", "\uFEFF", /visible/],
  ["joiners and a word joiner", "\u200C\u200D\u2060", /visible/],
  ["a soft hyphen", "\u00AD", /visible/],
  ["bidi controls", "\u200E\u202E\u2066", /visible/],
  ["a variation selector", "\uFE0F", /visible/],
  ["a Hangul filler", "\u3164", /visible/],
  ["tag characters", "\u{E0041}\u{E0042}", /visible/],
  ["spaces around a zero-width space", " \u200B ", /visible/],
  ["a NUL", "Hallo\u0000", /control character U\+0000/],
  ["only a NUL", "\u0000", /control character U\+0000/],
  ["an escape", "Hallo \u001B[31m", /control character U\+001B/],
  ["a bell", "\u0007Hallo", /control character U\+0007/],
  ["a vertical tab", "Hal\u000Blo", /control character U\+000B/],
  ["a form feed", "Hal\u000Clo", /control character U\+000C/],
  ["a DEL", "Hallo\u007F", /control character U\+007F/],
  ["a C1 next line", "Hallo\u0085wereld", /control character U\+0085/],
  ["a C1 control", "Hallo\u009B", /control character U\+009B/],
  ["a tab", "Hallo\twereld", /tab \(U\+0009\): use spaces/],
  ["a lone high surrogate", "Hallo \uD83D", /well-formed UTF-16/],
  ["a lone low surrogate", "\uDE00 Hallo", /well-formed UTF-16/],
  ["a reversed surrogate pair", "\uDE00\uD83D", /well-formed UTF-16/],
];

/** Content that was valid before and must stay valid, at enqueue and in the worker. */
const accepted: Array<[string, string]> = [
  ["plain text", "Uw pakket is onderweg"],
  ["line feeds and carriage returns", "Hallo\nWereld\r\nTot ziens\r"],
  ["leading and trailing spaces", "  Hallo  "],
  ["a no-break space inside", "10\u00A0euro"],
  ["GSM-7 extension characters", "€5 [korting] {nu} ~ ^ | \\"],
  ["an emoji", "Top \u{1F44D}"],
  ["a zero-width joiner sequence", "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}"],
  ["a flag", "\u{1F1F3}\u{1F1F1}"],
  ["an emoji with a variation selector", "\u2764\uFE0F"],
  ["a combining accent", "cafe\u0301"],
  ["a soft hyphen inside a word", "co\u00ADoperatie"],
  ["Arabic with a right-to-left mark", "\u200F\u0645\u0631\u062D\u0628\u0627"],
  ["a leading byte order mark before text", "\uFEFFHallo"],
  ["a lone combining mark", "\u0301"],
  ["a single dot", "."],
];

describe("send refuses content the API should never see", () => {
  it.each(refused)("%s", async (_, content, says) => {
    const { sms, prefix } = fixture.producer();
    const error = await rejection(sms.send({ ...valid, content }));
    expect(error?.code).toBe("SMS_VALIDATION");
    expect(error?.issues.map((issue) => issue.path.join("."))).toEqual(["content"]);
    expect(error?.message).toMatch(/^content: /);
    expect(error?.message).toMatch(says);
    expect(error?.message).not.toContain("\n");
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
  });

  it.each(accepted)("accepts %s", async (_, content) => {
    const { sms, prefix } = fixture.producer();
    const receipt = await sms.send({ ...valid, content });
    const job = await fixture.queues(prefix).sms.getJob(receipt.id);
    expect(job?.data.content).toBe(content);
  });

  it("reports refused content in sendMany by index", async () => {
    const { sms } = fixture.producer();
    const result = await sms.sendMany([
      { ...valid, content: "\u200B" },
      valid,
      { ...valid, content: "a\u0000b" },
    ]);
    expect(result.rejected.map(({ index, error }) => [index, error.issues[0]?.path])).toEqual([
      [0, ["content"]],
      [2, ["content"]],
    ]);
    expect(result.accepted).toHaveLength(1);
  });
});

describe("delayMs", () => {
  it("refuses more than one year, naming delayMs", async () => {
    const { sms, prefix } = fixture.producer();
    const millennia = 285_000 * 365 * 24 * 3_600_000;
    for (const delayMs of [millennia, MAX_DELAY_MS + 1, Number.MAX_SAFE_INTEGER]) {
      const error = await rejection(sms.send({ ...valid, delayMs }));
      expect(error?.code).toBe("SMS_VALIDATION");
      expect(error?.message).toMatch(/^delayMs: must be at most 31536000000 \(one year\)$/);
    }
    expect(await fixture.jobCount(fixture.queues(prefix).sms)).toBe(0);
  });

  it("accepts exactly one year", async () => {
    const { sms } = fixture.producer();
    const receipt = await sms.send({ ...valid, delayMs: MAX_DELAY_MS });
    expect((await sms.status(receipt.id)).state).toBe("delayed");
  });
});

describe("the worker's job schema", () => {
  const job = {
    v: 1,
    to: "+31612345678",
    sender: "MyShop",
    createdAt: "2024-01-02T03:04:05.678Z",
    idempotencyKey: "old-key",
  };

  it.each(refused)("refuses %s, so the job is dead-lettered as invalid", (_, content) => {
    const result = smsJobDataSchema.safeParse({ ...job, content });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["content"]);
  });

  it.each(accepted)("still accepts an older job with %s", (_, content) => {
    expect(smsJobDataSchema.parse({ ...job, content })).toEqual({ ...job, content });
  });

  it("still accepts an older job whose key holds a lone surrogate: its SMS is fine", () => {
    const older = { ...job, content: "Hallo", idempotencyKey: "order-42-\uD83D" };
    expect(smsJobDataSchema.parse(older)).toEqual(older);
  });
});

describe("every code point below U+0100 and every format character, one by one", () => {
  const controls = new Set<number>();
  for (let code = 0; code < 0x20; code += 1) controls.add(code);
  for (let code = 0x7f; code <= 0x9f; code += 1) controls.add(code);
  controls.delete(0x0a);
  controls.delete(0x0d);

  const codePoints: number[] = [];
  for (let code = 0; code < 0x100; code += 1) codePoints.push(code);
  for (let code = 0; code <= 0x10ffff; code += 1) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (/\p{Cf}/u.test(String.fromCodePoint(code))) codePoints.push(code);
  }

  it("refuses a control character wherever it stands, and nothing else inside text", () => {
    const wrong: string[] = [];
    for (const code of codePoints) {
      const character = String.fromCodePoint(code);
      for (const content of [`${character}Hallo`, `Hal${character}lo`, `Hallo${character}`]) {
        const refusedHere = contentProblem(content) !== undefined;
        if (refusedHere !== controls.has(code)) wrong.push(`U+${code.toString(16)}`);
      }
    }
    expect([...new Set(wrong)]).toEqual([]);
  });

  it("refuses each format character standing alone, and accepts each printable Latin-1 one", () => {
    const wrong: string[] = [];
    for (const code of codePoints) {
      const character = String.fromCodePoint(code);
      const format = /\p{Cf}/u.test(character);
      const printable = (code > 0x20 && code < 0x7f) || (code > 0xa0 && code <= 0xff && !format);
      const refusedAlone = contentProblem(character) !== undefined;
      if ((format || controls.has(code)) && !refusedAlone) wrong.push(`U+${code.toString(16)}`);
      if (printable && refusedAlone) wrong.push(`U+${code.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });
});
