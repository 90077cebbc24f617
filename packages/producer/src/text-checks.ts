/**
 * Checks of text that no SMS should carry, shared by the producer's input validation and by the
 * job schema the worker validates with, so that an old or foreign job holding such text is
 * dead-lettered `invalid` instead of reaching the API.
 */

/** With the `u` flag a paired surrogate is one code point, so this matches lone ones only. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * A character someone can see: not whitespace, not a control character, not a format character
 * (U+200B zero-width space, U+FEFF byte order mark, bidi controls, …) and not one that
 * renderers are told to ignore (variation selectors, U+3164 Hangul filler, tag characters, …).
 */
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]/u;

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const TAB = 0x09;

/**
 * Whether the text is well-formed UTF-16, without lone surrogates. Such text has no UTF-8 form:
 * encoders replace each lone surrogate by U+FFFD, so two different strings would become one.
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** C0 controls (U+0000–U+001F), DEL and C1 controls (U+007F–U+009F). */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/**
 * Why this SMS content must not be sent, or `undefined` when it may be. The reason never quotes
 * the content. Empty content is left to the caller's own "must not be empty" check.
 *
 * Refused: lone surrogates; control characters other than line feed and carriage return (the
 * only two in the GSM-7 basic set), so NUL, ESC, DEL, the C1 range, and also tab (not GSM-7, so
 * one tab makes the whole message UCS-2 at twice the segments, and handsets show it as anything
 * from a space to a box) and form feed (a GSM-7 extension that handsets render inconsistently);
 * and content with nothing visible in it (only whitespace, zero-width or other format characters).
 */
export function contentProblem(text: string): string | undefined {
  if (text.length === 0) return undefined;
  if (!isWellFormedText(text)) {
    return "must be well-formed UTF-16 text (it holds a lone surrogate)";
  }
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (!isControl(code) || code === LINE_FEED || code === CARRIAGE_RETURN) continue;
    if (code === TAB) return "must not contain a tab (U+0009): use spaces (a tab is not GSM-7)";
    return `must not contain control character ${hex(code)} (only line feed and carriage return are allowed)`;
  }
  if (!VISIBLE.test(text)) {
    return "must contain a visible character, not only whitespace or invisible characters";
  }
  return undefined;
}
