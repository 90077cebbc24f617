import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { Logger } from "pino";
import type { StackEnv } from "./env.js";

/** The user name of generated credentials. */
export const GENERATED_DASHBOARD_USER = "admin";

/** Where the generated password is kept, relative to the repository root. */
export const DASHBOARD_PASSWORD_FILE = join(".data", "dashboard-password");

/**
 * The `DASHBOARD_*` variables to hand the dashboard. Given credentials (or `DASHBOARD_AUTH=off`)
 * pass through. Otherwise user `admin` with a random password, kept in `.data/dashboard-password`
 * (mode 0600) so that it survives restarts; the log line names the file, never the password.
 */
export async function resolveDashboardCredentials(options: {
  env: StackEnv;
  repoRoot: string;
  logger: Logger;
}): Promise<Record<string, string>> {
  const { env, repoRoot, logger } = options;
  const given = env.variables;
  if (env.dashboardAuthOff || env.dashboardCredentials) return {};
  if (given.DASHBOARD_USER || given.DASHBOARD_PASSWORD) {
    // Half given: let the dashboard refuse with its own message naming the missing one.
    return {};
  }
  const file = join(repoRoot, DASHBOARD_PASSWORD_FILE);
  let password = (await readFile(file, "utf8").catch(() => "")).trim();
  if (password === "") {
    password = randomBytes(18).toString("base64url");
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${password}\n`, { mode: 0o600 });
  }
  await chmod(file, 0o600).catch(() => {});
  logger.info(
    { user: GENERATED_DASHBOARD_USER, passwordFile: relative(repoRoot, file) },
    `dashboard: no DASHBOARD_USER/DASHBOARD_PASSWORD set; log in as "${GENERATED_DASHBOARD_USER}" with the password in ${relative(repoRoot, file)} (local use only)`,
  );
  return { DASHBOARD_USER: GENERATED_DASHBOARD_USER, DASHBOARD_PASSWORD: password };
}
