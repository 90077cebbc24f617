import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type CheckContext, loadCheckContext } from "../src/check-context.js";
import { checkRendering } from "../src/check-rendering.js";
import { findObject } from "../src/kubernetes-object.js";
import { KUBERNETES_DIR } from "../src/paths.js";
import { renderKustomization } from "../src/render-kustomization.js";
import { validateObjects } from "../src/validate-objects.js";

let context: CheckContext;
const overlays: string[] = [];

beforeAll(async () => {
  context = await loadCheckContext();
});

afterEach(async () => {
  for (const dir of overlays.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** An operator's overlay on overlays/production with these patch files; its check's problems. */
async function checkOverlay(patches: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), "sms-relay-keda-overlay-"));
  overlays.push(dir);
  const kustomization = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: [join(KUBERNETES_DIR, "overlays/production")],
    patches: Object.keys(patches).map((path) => ({ path })),
  };
  await writeFile(join(dir, "kustomization.yaml"), JSON.stringify(kustomization));
  for (const [file, text] of Object.entries(patches)) await writeFile(join(dir, file), text);
  const objects = await renderKustomization(dir);
  const problems = [
    ...validateObjects(objects),
    ...(await checkRendering(objects, context)).problems,
  ];
  return { objects, problems };
}

/** The YAML blocks of a section of deploy/kubernetes/README.md, by heading. */
async function readmeBlocks(heading: string): Promise<string[]> {
  const text = await readFile(join(KUBERNETES_DIR, "README.md"), "utf8");
  const start = text.indexOf(`${heading}\n`);
  expect(start, `the README has "${heading}"`).toBeGreaterThan(-1);
  // The next heading (`## `, `### `, …); a `# ` comment inside a YAML block is none.
  const next = /\n#{2,} /g;
  next.lastIndex = start + heading.length;
  const end = next.exec(text)?.index;
  const section = text.slice(start, end);
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
}

const LIST_LENGTH_ONLY = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: worker
spec:
  triggers:
    - type: redis
      name: waiting
      metadata:
        listLength: "400"
`;

describe("an overlay patch of the ScaledObject's triggers", () => {
  it("that sets only listLength replaces the list, and the check names what the trigger lacks", async () => {
    const { problems } = await checkOverlay({ "scaled-object.yaml": LIST_LENGTH_ONLY });
    expect(problems).toEqual([
      "ScaledObject worker trigger waiting: listName is missing; a patch of spec.triggers replaces the whole list, so give every trigger in full",
      "ScaledObject worker trigger waiting: authenticationRef is missing; a patch of spec.triggers replaces the whole list, so give every trigger in full",
      "ScaledObject worker: no trigger on the waiting jobs (bull:sms:wait)",
      "ScaledObject worker: no trigger on the jobs workers hold (bull:sms:active)",
    ]);
    // No blank values in the messages, as "list  is not one of" once printed.
    for (const problem of problems) expect(problem).not.toMatch(/ {2}/);
  });

  it("passes the checks as the README's example gives it, with the listLength it sets", async () => {
    const blocks = await readmeBlocks("#### Changing the threshold in an overlay");
    const files = Object.fromEntries(
      blocks.flatMap((block) => {
        const name = /^# ([\w-]+\.yaml)\b/.exec(block)?.[1];
        return name ? [[name, block]] : [];
      }),
    );
    const listed = blocks
      .map((block) => parse(block) as { patches?: { path: string }[] })
      .find((value) => value?.patches)?.patches;
    expect(Object.keys(files).sort()).toEqual(["scaled-object.yaml", "worker-config.yaml"]);
    expect(listed?.map((patch) => patch.path).sort()).toEqual(Object.keys(files).sort());

    const { objects, problems } = await checkOverlay(files);
    expect(problems).toEqual([]);
    const scaled = findObject(objects, "ScaledObject", "worker");
    const spec = scaled?.spec as { triggers?: { metadata: Record<string, string> }[] } | undefined;
    const triggers = spec?.triggers ?? [];
    expect(triggers.map((trigger) => trigger.metadata.listLength)).toEqual(["150", "150"]);
    // The rest of the ScaledObject is the component's.
    expect(scaled?.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 10 });
  });
});
