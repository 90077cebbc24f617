import { createRequire } from "node:module";
import { dirname } from "node:path";
import express, { type RequestHandler, type Response, type Router } from "express";
import { NAV_HEIGHT, NAV_STYLE, renderNav } from "./page-layout.js";

/** Where the dashboard serves the web fonts of bull-board's page itself. */
export const FONTS_PATH = "/assets/fonts";

/** The fonts bull-board's page asks a font host for, by package and the weights it uses. */
const FONTS = [
  { name: "ibm-plex-sans", weights: ["400", "500", "600"] },
  { name: "ibm-plex-mono", weights: ["400", "500"] },
] as const;

const require = createRequire(import.meta.url);

/**
 * The font files, served from the `@fontsource` packages (the same faces, under the same family
 * names, that bull-board's CSS asks for), so that the page loads nothing from another host.
 */
export function createFontAssets(): Router {
  const router = express.Router();
  for (const { name } of FONTS) {
    const root = dirname(require.resolve(`@fontsource/${name}/package.json`));
    router.use(
      `/${name}`,
      express.static(root, { index: false, maxAge: "7d", fallthrough: false, dotfiles: "deny" }),
    );
  }
  return router;
}

const FONT_LINKS = FONTS.flatMap(({ name, weights }) =>
  weights.map((weight) => `<link href="${FONTS_PATH}/${name}/${weight}.css" rel="stylesheet">`),
).join("");

/**
 * Room for the navigation bar above bull-board's own header and sidebar. bull-board places both
 * (fixed) from `--header-offset`, and `main` below them: the selectors use element names,
 * which stay the same across its builds, where its class names do not.
 */
const BOARD_STYLE = `
.sr-nav{position:fixed;top:0;left:0;right:0;z-index:100}
#root header{top:${NAV_HEIGHT}}
#root aside{top:calc(var(--header-offset) + ${NAV_HEIGHT})}
#root main{padding-top:calc(var(--header-offset) + ${NAV_HEIGHT})}
${NAV_STYLE}`;

/** Any stylesheet, font or script that bull-board's template loads from another host. */
const OUTSIDE_LINK = /<link\b[^>]*\bhref=["']?(?:https?:)?\/\/[^>]*>/gi;
const OUTSIDE_SCRIPT = /<script\b[^>]*\bsrc=["']?(?:https?:)?\/\/[^>]*>\s*<\/script>/gi;

/**
 * bull-board's page as the dashboard serves it: without anything from another host (its
 * template links a web font on a font host), with the same fonts served locally, and with the
 * dashboard's navigation bar (queues, find an SMS, dead letters) on top.
 */
export function rewriteBoardPage(html: string): string {
  return html
    .replace(OUTSIDE_LINK, "")
    .replace(OUTSIDE_SCRIPT, "")
    .replace(/<\/head>/i, `${FONT_LINKS}<style>${BOARD_STYLE}</style></head>`)
    .replace(/<body([^>]*)>/i, (body) => `${body}${renderNav("queues")}`);
}

/**
 * Headers of bull-board's page: it may load from this origin only, whatever a later version of
 * its template adds. Its configuration is an inline JSON block, which is data, not a script.
 */
export const BOARD_PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
} as const;

type RenderCallback = (error: Error | null, html?: string) => void;

/**
 * Express middleware, mounted just before bull-board, that passes every page bull-board renders
 * through {@link rewriteBoardPage}. It wraps `res.render` (bull-board renders its one template
 * with it), so bull-board's routing and API are left as they are.
 */
export function createBoardPageRewrite(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      next();
      return;
    }
    const render = res.render as (
      this: Response,
      view: string,
      options: object,
      callback: RenderCallback,
    ) => void;
    res.render = ((view: string, options?: object | RenderCallback, callback?: RenderCallback) => {
      const locals = typeof options === "function" ? {} : (options ?? {});
      const done = typeof options === "function" ? options : callback;
      render.call(res, view, locals, (error, html) => {
        const page = error || html === undefined ? html : rewriteBoardPage(html);
        if (done) {
          done(error, page);
          return;
        }
        if (error) {
          next(error);
          return;
        }
        res.set(BOARD_PAGE_HEADERS).type("html").send(page);
      });
    }) as Response["render"];
    next();
  };
}
