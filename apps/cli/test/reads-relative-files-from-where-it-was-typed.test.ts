import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invocationDir } from "../src/invocation-dir.js";
import { runProcess, scratchDir } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

describe("invocationDir", () => {
  const pnpmIn = (dir: string | undefined) => () => dir;
  it.each([
    ["a plain run", {}, undefined, "/repo"],
    ["a package script, from INIT_CWD", { INIT_CWD: "/lists" }, "/repo", "/lists"],
    [
      "pnpm exec, from pnpm's own directory",
      { PNPM_PACKAGE_NAME: "sms-relay" },
      "/lists",
      "/lists",
    ],
    [
      "pnpm exec under an outer script's INIT_CWD",
      { PNPM_PACKAGE_NAME: "sms-relay", INIT_CWD: "/repo" },
      "/lists",
      "/lists",
    ],
    [
      "pnpm exec where the system does not tell",
      { PNPM_PACKAGE_NAME: "sms-relay", INIT_CWD: "/lists" },
      undefined,
      "/lists",
    ],
  ])("%s", (_label, env, parentDir, expected) => {
    expect(invocationDir(env, "/repo", pnpmIn(parentDir))).toBe(expected);
  });
});

describe("relative CSV paths through pnpm", () => {
  let redis: TestRedis;
  let files: Awaited<ReturnType<typeof scratchDir>>;
  let listsDir: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    files = await scratchDir();
    listsDir = join(files.dir, "lists");
    await mkdir(listsDir);
    await files.write("lists/today.csv", "to,content\n0612345678,Hallo\n0612345679,Hoi\n");
  });
  afterAll(async () => {
    await files?.cleanup();
    await redis?.close();
  });

  /** Types `cd lists && <command>` in a shell, as a user would, and checks what got queued. */
  async function typedInLists(command: string) {
    const prefix = redis.uniquePrefix("relative");
    const run = await runProcess("sh", ["-c", `cd "$LISTS" && ${command}`], {
      LISTS: listsDir,
      REPO: repoRoot,
      REDIS_URL: redis.url,
      SMS_QUEUE_PREFIX: prefix,
    });
    const queue = new Queue("sms", { connection: { url: redis.url }, prefix });
    const queued = await queue.count();
    await queue.close();
    return { ...run, queued };
  }

  it.each([
    ['pnpm --dir="$REPO" sms-relay bulk ./today.csv'],
    ['pnpm --dir="$REPO" exec sms-relay bulk today.csv'],
  ])("`%s` reads the file next to the shell, not in the repository", async (command) => {
    const run = await typedInLists(command);
    expect(run.stderr).not.toContain("cannot read");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("accepted 2, rejected 0\n");
    expect(run.queued).toBe(2);
  });
});
