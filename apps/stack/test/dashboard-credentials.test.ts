import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseStackEnv, resolveDashboardCredentials } from "../src/index.js";

describe("dashboard credentials of the local stack", () => {
  let repoRoot: string;
  let logged: string;
  const logger = () => pino({ level: "info" }, { write: (line: string) => (logged += line) });

  beforeEach(async () => {
    repoRoot = await mkdtemp(join(tmpdir(), "stack-root-"));
    logged = "";
  });
  afterEach(async () => {
    await rm(repoRoot, { recursive: true, force: true });
  });

  it("generates admin and a random password, kept in .data with mode 0600 and never logged", async () => {
    const env = parseStackEnv({});
    const first = await resolveDashboardCredentials({ env, repoRoot, logger: logger() });
    expect(first.DASHBOARD_USER).toBe("admin");
    expect(first.DASHBOARD_PASSWORD).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const file = join(repoRoot, ".data", "dashboard-password");
    expect((await readFile(file, "utf8")).trim()).toBe(first.DASHBOARD_PASSWORD);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(logged).toContain(".data/dashboard-password");
    expect(logged).not.toContain(first.DASHBOARD_PASSWORD);

    const again = await resolveDashboardCredentials({ env, repoRoot, logger: logger() });
    expect(again).toEqual(first);
  });

  it.each([
    [{ DASHBOARD_USER: "ops", DASHBOARD_PASSWORD: "given" }],
    [{ DASHBOARD_AUTH: "off" }],
    [{ DASHBOARD_USER: "ops" }],
  ])("leaves %j to the dashboard", async (variables) => {
    const env = parseStackEnv(variables);
    expect(await resolveDashboardCredentials({ env, repoRoot, logger: logger() })).toEqual({});
    expect(logged).toBe("");
  });
});
