import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KUBERNETES_DIR } from "../src/paths.js";

const run = promisify(execFile);
const cli = fileURLToPath(new URL("../dist/check-cli.js", import.meta.url));
let overlay: string;

beforeAll(async () => {
  // An operator's overlay on the base, with a misspelt variable.
  overlay = await mkdtemp(join(tmpdir(), "sms-relay-overlay-"));
  await writeFile(
    join(overlay, "kustomization.yaml"),
    [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "resources:",
      `  - ${JSON.stringify(join(KUBERNETES_DIR, "base"))}`,
      "patches:",
      "  - path: worker-config.yaml",
      "",
    ].join("\n"),
  );
  await writeFile(
    join(overlay, "worker-config.yaml"),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: worker-config\ndata:\n  WORKER_CONCURENCY: "100"\n',
  );
});

afterAll(async () => {
  await rm(overlay, { recursive: true, force: true });
});

describe("pnpm --filter @sms-relay/deploy check", () => {
  it("passes the shipped overlays", async () => {
    const { stdout } = await run(process.execPath, [cli, join(KUBERNETES_DIR, "overlays/sandbox")]);
    expect(stdout).toMatch(/overlays\/sandbox: 20 objects, no problems/);
  });

  it("fails an overlay with a variable no app reads, naming it", async () => {
    const failure = await run(process.execPath, [cli, overlay]).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /worker\/worker: sets WORKER_CONCURENCY, which apps\/worker does not read/,
      ),
    });
  });

  it("prints the rendered objects with --print", async () => {
    const { stdout } = await run(process.execPath, [cli, "--print", join(KUBERNETES_DIR, "base")]);
    expect(stdout).toMatch(/^apiVersion: v1\nkind: ConfigMap\n/);
    expect(stdout.split("---\n").length).toBe(12);
  });
});
