import { readPackageVersion } from "@sms-relay/runtime";

/** The version of this package, read when `--version` asks for it rather than at start-up. */
export function cliVersion(): string {
  return readPackageVersion(new URL("../package.json", import.meta.url));
}
