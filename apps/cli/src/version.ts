import { readFileSync } from "node:fs";

/**
 * The version of this package, from its `package.json` (one level above both `src/` and
 * `dist/`), read when `--version` asks for it rather than at start-up.
 */
export function cliVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL("../package.json", import.meta.url), "utf8"),
  ) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}
