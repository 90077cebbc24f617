import type { Response } from "express";
import { escapeHtml } from "./escape-html.js";

/** The pages every page links to, in the order of the navigation bar. */
export const NAV_LINKS = [
  { id: "queues", text: "Queues", href: "/" },
  { id: "search", text: "Find an SMS", href: "/sms" },
  { id: "dead-letters", text: "Dead letters", href: "/dead-letters" },
] as const;

/** Which entry of {@link NAV_LINKS} a page is. */
export type NavId = (typeof NAV_LINKS)[number]["id"];

/** The bar's height, which bull-board's page makes room for too. */
export const NAV_HEIGHT = "2.5rem";

/**
 * Styles of the navigation bar, scoped to its class so that they hold inside bull-board's page
 * as on ours. System fonts: the bar loads nothing.
 */
export const NAV_STYLE = `
.sr-nav{display:flex;align-items:center;gap:1.25rem;height:${NAV_HEIGHT};box-sizing:border-box;padding:0 1rem;background:#12322e;color:#f0faf8;font:14px/1 system-ui,-apple-system,"Segoe UI",sans-serif}
.sr-nav a{color:inherit;text-decoration:none;padding:.3rem .1rem;border-bottom:2px solid transparent}
.sr-nav a:hover{border-bottom-color:#9fd8cc}
.sr-nav a[aria-current=page]{border-bottom-color:#3ecfb2;font-weight:600}
.sr-nav .sr-brand{font-weight:600;margin-right:.5rem}
.sr-nav form{margin-left:auto;display:flex;gap:.4rem}
.sr-nav input{font:inherit;padding:.3rem .5rem;border-radius:4px;border:1px solid #3b6b63;background:#f0faf8;color:#111;width:18rem}
.sr-nav button{font:inherit;padding:.3rem .7rem;border-radius:4px;border:1px solid #3ecfb2;background:#0f6f64;color:#fff;cursor:pointer}
`;

/** The navigation bar: the three pages, and a search box for an SMS by id or number. */
export function renderNav(active?: NavId): string {
  const links = NAV_LINKS.map(
    (link) =>
      `<a href="${link.href}"${link.id === active ? ' aria-current="page"' : ""}>${escapeHtml(link.text)}</a>`,
  ).join("");
  return `<nav class="sr-nav" aria-label="sms-relay"><span class="sr-brand">sms-relay</span>${links}<form method="get" action="/sms" role="search"><input type="search" name="q" placeholder="SMS id or phone number" aria-label="SMS id or phone number"><button type="submit">Find</button></form></nav>`;
}

const PAGE_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafbfc}
main{padding:1rem 1.5rem 2rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;margin:1rem 0;background:#fff}
th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.25rem;background:#fff;border:1px solid #e2e7ec;padding:1rem;border-radius:6px}
dl.facts dt{color:#555}
dl.facts dd{margin:0}
code{font-size:12px}
.notice{background:#eef6ee;border:1px solid #9c9;padding:.5rem}
.warning{background:#fff6e5;border:1px solid #e0b050;padding:.5rem}
.actions button{margin-right:.5rem}
.danger{color:#a00}
.muted{color:#666}
${NAV_STYLE}`;

/** What {@link renderPage} puts around a page's content. */
export interface PageOptions {
  /** The `<title>` before ` · sms-relay`, and the page's heading. */
  title: string;
  /** HTML of the page below its heading; every value in it must already be escaped. */
  body: string;
  /** The entry of the navigation bar to mark. @default none */
  active?: NavId;
  /** Leave the navigation bar out (the sign-in page: its links would only ask again). */
  withoutNav?: boolean;
}

/** A whole page of the dashboard: navigation bar, heading, content. No scripts. */
export function renderPage(options: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(options.title)} · sms-relay</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
${options.withoutNav ? "" : renderNav(options.active)}
<main>
<h1>${escapeHtml(options.title)}</h1>
${options.body}
</main>
</body>
</html>
`;
}

/**
 * Headers of every page of ours: no scripts at all, forms only to this origin, never inside
 * another site's frame, never cached (they show live queue state).
 */
export const PAGE_HEADERS = {
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
} as const;

/** Sends a page of ours with {@link PAGE_HEADERS}. */
export function sendPage(res: Response, html: string, status = 200): void {
  res.status(status).set(PAGE_HEADERS).type("html").send(html);
}
