import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubernetesObject } from "./kubernetes-object.js";
import { COMPONENTS, KUBERNETES_DIR, KUSTOMIZATIONS } from "./paths.js";
import { renderKustomization } from "./render-kustomization.js";

/** One way of deploying: a kustomization and what it renders to. */
export interface Rendering {
  /** `overlays/sandbox`, or `base + components/cpu-autoscaling`. */
  name: string;
  objects: KubernetesObject[];
}

/**
 * Renders a kustomization made on the spot in a temporary directory (`resources` and
 * `components` given relative to `deploy/kubernetes`), as an operator's own overlay would be.
 */
export async function renderComposition(
  resources: readonly string[],
  components: readonly string[] = [],
): Promise<KubernetesObject[]> {
  const dir = await mkdtemp(join(tmpdir(), "sms-relay-kustomization-"));
  try {
    const lines = [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "resources:",
      ...resources.map((entry) => `  - ${JSON.stringify(join(KUBERNETES_DIR, entry))}`),
      ...(components.length > 0 ? ["components:"] : []),
      ...components.map((entry) => `  - ${JSON.stringify(join(KUBERNETES_DIR, entry))}`),
    ];
    await writeFile(join(dir, "kustomization.yaml"), `${lines.join("\n")}\n`);
    return await renderKustomization(dir, KUBERNETES_DIR);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Every shipped kustomization, and the base with each component on its own (no shipped overlay
 * uses the CPU autoscaler, and an operator may add either to the base).
 */
export async function renderShipped(): Promise<Rendering[]> {
  const renderings: Rendering[] = [];
  for (const name of KUSTOMIZATIONS) {
    renderings.push({
      name,
      objects: await renderKustomization(join(KUBERNETES_DIR, name), KUBERNETES_DIR),
    });
  }
  for (const component of COMPONENTS) {
    renderings.push({
      name: `base + ${component}`,
      objects: await renderComposition(["base"], [component]),
    });
  }
  return renderings;
}
