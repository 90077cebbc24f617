/** Replaces each spelling of a secret with this. */
export const REDACTED = "***";

const HTML_NAMED: Readonly<Record<string, readonly string[]>> = {
  "&": ["&amp;"],
  '"': ["&quot;"],
  "'": ["&apos;"],
  "<": ["&lt;"],
  ">": ["&gt;"],
};

const JSON_SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "/": "\\/",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * Makes a function that replaces every spelling of `secret` in a text with `***`: raw, and
 * as servers echo it back. Each character may come in any of its forms, mixed within one echo:
 * - JSON: `\"`, `\\`, `\/`, `\n` …, `\u00e9` in either case, surrogate pairs for astral characters;
 * - HTML: `&amp;`, `&quot;`, `&apos;`, `&lt;`, `&gt;`, `&#39;`, `&#x27;` (any leading zeros);
 * - URL and form encoding: `%2F` in either case for each UTF-8 byte, `+` for a space;
 * - one of these inside another (a JSON-escaped echo shown in an HTML page, and the reverse).
 *
 * @example
 * secretScrubber('a/b"c')('{"echo":"a\\/b\\"c"}'); // '{"echo":"***"}'
 */
export function secretScrubber(secret: string): (text: string) => string {
  const pattern = new RegExp(
    Array.from(secret, (char) => `(?:${characterSpellings(char).join("|")})`).join(""),
    // Case-insensitive for the hex digits and entity names; a secret written in another case
    // is hidden too, which does no harm.
    "gi",
  );
  return (text) => (text === "" ? text : text.replace(pattern, REDACTED));
}

/** Regular-expression sources, one for each way `char` (one code point) may be written. */
function characterSpellings(char: string): string[] {
  const literal = new Set<string>([char]);
  for (const form of jsonForms(char)) literal.add(form);
  for (const form of htmlNamed(char)) literal.add(form);
  for (const form of urlForms(char)) literal.add(form);
  // One encoding inside another: escape each form once more, as JSON and as HTML.
  for (const form of [...literal]) {
    literal.add(JSON.stringify(form).slice(1, -1));
    literal.add(form.replaceAll("/", "\\/"));
    literal.add(htmlEscape(form));
  }
  const sources = [...literal].map(escapeRegExp);
  const code = char.codePointAt(0) ?? 0;
  sources.push(`&#0*${code};`, `&#x0*${code.toString(16)};`);
  return sources;
}

function jsonForms(char: string): string[] {
  const forms: string[] = [];
  const short = JSON_SHORT[char];
  if (short !== undefined) forms.push(short);
  let units = "";
  for (let i = 0; i < char.length; i += 1) {
    units += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
  }
  forms.push(units);
  return forms;
}

function htmlNamed(char: string): readonly string[] {
  return HTML_NAMED[char] ?? [];
}

function urlForms(char: string): string[] {
  const bytes = [...Buffer.from(char, "utf8")]
    .map((byte) => `%${byte.toString(16).padStart(2, "0")}`)
    .join("");
  return char === " " ? [bytes, "+"] : [bytes];
}

function htmlEscape(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
