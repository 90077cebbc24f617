import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { KpnError } from "../src/index.js";
import { oneSms, rejection } from "./support/client.js";
import { CLIENT_ID, json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

/** Every character that some encoding writes differently, one outside the BMP among them. */
const SECRET = `Ab/c"d&e<f>g'h+i\\j k-é€💡z`;

const hex = (code: number, width: number): string => code.toString(16).padStart(width, "0");
/** `\uXXXX` for every UTF-16 unit outside `keep`. */
const jsonUnicode = (text: string, keep: RegExp, upper = false): string =>
  Array.from(text, (char) => {
    if (keep.test(char)) return char;
    let units = "";
    for (let i = 0; i < char.length; i += 1) units += `\\u${hex(char.charCodeAt(i), 4)}`;
    return upper ? units.toUpperCase().replaceAll("\\U", "\\u") : units;
  }).join("");
const htmlNamed = (text: string): string =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");

/** How a token endpoint may echo the secret, and the body it answers with. */
const echoes: { form: string; echo: string; html?: boolean }[] = [
  { form: "JSON, as JSON.stringify writes it", echo: JSON.stringify(SECRET).slice(1, -1) },
  {
    form: "JSON with \\/ and \\u00xx for non-ASCII (PHP)",
    echo: jsonUnicode(JSON.stringify(SECRET).slice(1, -1).replaceAll("/", "\\/"), /[ -~]/),
  },
  {
    form: "JSON with \\u003c, \\u003e, \\u0026 (Go)",
    echo: JSON.stringify(SECRET)
      .slice(1, -1)
      .replaceAll("<", "\\u003c")
      .replaceAll(">", "\\u003e")
      .replaceAll("&", "\\u0026"),
  },
  {
    form: "JSON with every symbol as \\uXXXX in upper case",
    echo: jsonUnicode(SECRET, /[A-Za-z0-9]/, true),
  },
  { form: "HTML with named entities", echo: htmlNamed(SECRET), html: true },
  {
    form: "HTML with numeric references",
    echo: Array.from(SECRET, (char, i) => {
      if (/[A-Za-z0-9]/.test(char)) return char;
      const code = char.codePointAt(0) ?? 0;
      return i % 2 === 0 ? `&#${code};` : `&#x${hex(code, 4).toUpperCase()};`;
    }).join(""),
    html: true,
  },
  { form: "HTML around a JSON-escaped echo", echo: htmlNamed(JSON.stringify(SECRET)), html: true },
  { form: "URL-encoded (encodeURIComponent)", echo: encodeURIComponent(SECRET) },
  {
    form: "URL-encoded in lower case",
    echo: encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (byte) => byte.toLowerCase()),
  },
  {
    form: "form-encoded, + for a space",
    echo: new URLSearchParams({ s: SECRET }).toString().slice(2),
  },
];

/** Every text a log line or dead-letter record could pick up from the error. */
function everythingIn(error: KpnError): string {
  return [
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error),
    error.message,
    error.stack,
    String(error.cause),
    JSON.stringify(error.headers),
    ...Object.values(error).map((value) => String(value)),
  ].join("\n");
}

describe("a token endpoint echoing the client secret", () => {
  const fake = useFakeKpn();

  const cases = echoes.flatMap((echo) => [401, 500].map((status) => ({ ...echo, status })));
  it.each(cases)("$form ($status): redacted everywhere", async ({ echo, html, status }) => {
    expect(echo).not.toBe("");
    const kpn = await fake.start({
      token: (_request, response) => {
        const said = `client_id=${CLIENT_ID} client_secret=${echo} is not valid`;
        // A header value can only carry Latin-1; send it there where it fits.
        const header = /^[ -~]*$/.test(echo) ? { "x-echo": echo } : {};
        if (html === true) {
          response.writeHead(status, { "content-type": "text/html", ...header });
          response.end(`<html><body><p>${said}</p></body></html>`);
          return;
        }
        // Written by hand, not by JSON.stringify, so that the echo is exactly as given.
        json(response, status, `{"errorResponse":{"code":"${echo}","message":"${said}"}}`, header);
      },
    });
    const client = fake.client(kpn, { clientSecret: SECRET, tokenRetries: 0 });
    const error = await rejection(client.send(oneSms));
    expect(error.status).toBe(status);
    expect(error.body).toContain("***");
    expect(error.body).toContain(`client_id=${CLIENT_ID}`);
    const text = everythingIn(error);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(echo);
    // Nor any long piece of it (the first and last parts of the secret are letters).
    expect(text).not.toContain("d&e<f>g");
    expect(text).not.toContain("é€💡");
  });
});
