import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { PASSWORD, USER } from "../helpers.js";

/** Debian's Chromium; `.ci/run` installs it (`apt-get install chromium`) where it is missing. */
export const CHROMIUM = "/usr/bin/chromium";

/** The flags every browser test runs Chromium with: no sandbox (root in CI), no calls home. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/** Where the tests leave their screenshots (git-ignored), to look at after a run. */
export const SCREENSHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));

/**
 * `describe` for tests that drive Chromium. Without `/usr/bin/chromium` they fail in CI (`CI`
 * set), where `.ci/run` should have installed it, and are skipped elsewhere with a line saying so.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it(`needs Chromium at ${CHROMIUM}`, () => {
        throw new Error(
          `no Chromium at ${CHROMIUM}: .ci/run installs it with apt-get (package chromium)`,
        );
      });
    });
    return;
  }
  process.stderr.write(
    `skipping browser tests "${name}": no Chromium at ${CHROMIUM} (apt-get install chromium); in CI they fail instead\n`,
  );
  describe.skip(name, body);
}

/** A fresh Chromium profile with one page, recording every request the page makes. */
export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** The URL of every request the page made, in order. */
  readonly requests: string[];
  /**
   * Answers every basic auth prompt with "Cancel", as a user without the password does: the
   * browser then shows the page that came with the 401. (Headless Chromium has no prompt.)
   */
  cancelSignInPrompts(): Promise<void>;
  /** Sends the dashboard's credentials with every request of the page from now on. */
  signIn(): Promise<void>;
  /** A full-page screenshot into {@link SCREENSHOTS}, named `<file>-<name>.png`. */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Launches Chromium on a new user-data directory (no cookies, cache or saved passwords from
 * before) with {@link CHROMIUM_ARGS}. The page starts without credentials; {@link
 * TestBrowser.signIn} adds them as an `Authorization` header on every request, as a browser does
 * once its user answered the basic auth prompt.
 */
export async function openBrowser(label: string): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), "sms-relay-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    requests,
    async cancelSignInPrompts() {
      const cdp = await context.newCDPSession(page);
      cdp.on("Fetch.requestPaused", ({ requestId }) => {
        cdp.send("Fetch.continueRequest", { requestId }).catch(() => {});
      });
      cdp.on("Fetch.authRequired", ({ requestId }) => {
        cdp
          .send("Fetch.continueWithAuth", {
            requestId,
            authChallengeResponse: { response: "CancelAuth" },
          })
          .catch(() => {});
      });
      await cdp.send("Fetch.enable", { handleAuthRequests: true, patterns: [{ urlPattern: "*" }] });
    },
    async signIn() {
      const token = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
      await page.setExtraHTTPHeaders({ authorization: `Basic ${token}` });
    },
    async screenshot(name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${label}-${name}.png`), fullPage: true });
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Asserts that every request the page made went to 127.0.0.1 (no font host, no CDN). */
export function expectOnlyLoopback(requests: readonly string[]): void {
  expect(requests.length).toBeGreaterThan(0);
  const elsewhere = requests.filter((url) => {
    const { protocol, hostname } = new URL(url);
    // `data:` and `blob:` URLs are made in the page; they reach no host.
    if (protocol === "data:" || protocol === "blob:") return false;
    return hostname !== "127.0.0.1";
  });
  expect(elsewhere).toEqual([]);
}
