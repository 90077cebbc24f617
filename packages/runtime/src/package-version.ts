import { readFileSync } from "node:fs";

/**
 * The `version` of a package manifest, or `"unknown"` when it cannot be read. Apps pass
 * `new URL("../package.json", import.meta.url)`: one level above both `src/` and `dist/`.
 */
export function readPackageVersion(manifest: URL): string {
  try {
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown };
    return typeof version === "string" ? version : "unknown";
  } catch {
    return "unknown";
  }
}
