import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findObject, type KubernetesObject } from "../src/kubernetes-object.js";
import { applyImageRules, renderKustomization } from "../src/render-kustomization.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Writes `files` (path → YAML text) into a fresh directory and returns it. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sms-relay-render-"));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
const COMPONENT = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n";

const APP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  LOG_LEVEL: info
  SMS_QUEUE_PREFIX: bull
---
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 2
  selector:
    matchLabels: { app: app }
  template:
    metadata:
      labels: { app: app }
    spec:
      containers:
        - name: app
          image: sms-relay-worker
          args: ["--one"]
          env:
            - name: HEALTH_PORT
              value: "9464"
            - name: LOG_LEVEL
              value: info
        - name: sidecar
          image: registry.local:5000/tools/sidecar:1.2
`;

function container(objects: KubernetesObject[], name: string) {
  const deployment = findObject(objects, "Deployment", "app") as unknown as {
    spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
  };
  return deployment.spec.template.spec.containers.find((entry) => entry.name === name)!;
}

describe("renderKustomization", () => {
  it("gathers resources from files and directories, skipping empty documents", async () => {
    const dir = await tree({
      "base/kustomization.yaml": `${KUSTOMIZATION}resources:\n  - app.yaml\n`,
      "base/app.yaml": APP,
      "overlay/kustomization.yaml": `${KUSTOMIZATION}resources:\n  - ../base\n  - extra.yaml\n`,
      "overlay/extra.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec: {}\n",
    });
    const objects = await renderKustomization(join(dir, "overlay"));
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      "ConfigMap/app-config",
      "Deployment/app",
      "Service/app",
    ]);
  });

  it("sets the namespace of every object, the overlay's over the base's", async () => {
    const dir = await tree({
      "base/kustomization.yaml": `${KUSTOMIZATION}namespace: one\nresources:\n  - app.yaml\n`,
      "base/app.yaml": APP,
      "overlay/kustomization.yaml": `${KUSTOMIZATION}namespace: two\nresources:\n  - ../base\n`,
    });
    expect((await renderKustomization(join(dir, "base"))).map((o) => o.metadata.namespace)).toEqual(
      ["one", "one"],
    );
    expect(
      (await renderKustomization(join(dir, "overlay"))).map((o) => o.metadata.namespace),
    ).toEqual(["two", "two"]);
  });

  it("renames and retags images by name, leaving others alone", async () => {
    const dir = await tree({
      "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - app.yaml\nimages:\n  - name: sms-relay-worker\n    newName: registry.example.com/sms-relay-worker\n    newTag: "0.1.0"\n`,
      "app.yaml": APP,
    });
    const objects = await renderKustomization(dir);
    expect(container(objects, "app").image).toBe("registry.example.com/sms-relay-worker:0.1.0");
    expect(container(objects, "sidecar").image).toBe("registry.local:5000/tools/sidecar:1.2");
  });

  it("applies image rules as kustomize does: a registry port is not a tag, a digest wins", () => {
    const rules = [
      { name: "registry.local:5000/tools/sidecar", newTag: "2.0" },
      { name: "sms-relay-worker", digest: "sha256:abc" },
    ];
    expect(applyImageRules("registry.local:5000/tools/sidecar:1.2", rules)).toBe(
      "registry.local:5000/tools/sidecar:2.0",
    );
    expect(applyImageRules("registry.local:5000/tools/sidecar", rules)).toBe(
      "registry.local:5000/tools/sidecar:2.0",
    );
    expect(applyImageRules("sms-relay-worker:latest", rules)).toBe("sms-relay-worker@sha256:abc");
    expect(applyImageRules("redis:7.4-alpine", rules)).toBeUndefined();
  });

  it("merges strategic merge patches: maps by key, containers and env by name, null clears", async () => {
    const dir = await tree({
      "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - app.yaml\npatches:\n  - path: config.yaml\n  - path: deployment.yaml\n`,
      "app.yaml": APP,
      "config.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  LOG_LEVEL: debug\n  SMS_DLR_URL: http://receipts:8090/kpn/dlr\n",
      "deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: null
  template:
    spec:
      containers:
        - name: app
          args: ["--two"]
          env:
            - name: LOG_LEVEL
              value: debug
            - name: SMS_BATCH_SIZE
              value: "10"
`,
    });
    const objects = await renderKustomization(dir);
    expect(findObject(objects, "ConfigMap", "app-config")?.data).toEqual({
      LOG_LEVEL: "debug",
      SMS_QUEUE_PREFIX: "bull",
      SMS_DLR_URL: "http://receipts:8090/kpn/dlr",
    });
    expect(findObject(objects, "Deployment", "app")?.spec).not.toHaveProperty("replicas");
    const app = container(objects, "app");
    expect(app.image).toBe("sms-relay-worker");
    expect(app.args).toEqual(["--two"]);
    expect(app.env).toEqual([
      { name: "HEALTH_PORT", value: "9464" },
      { name: "LOG_LEVEL", value: "debug" },
      { name: "SMS_BATCH_SIZE", value: "10" },
    ]);
    expect(container(objects, "sidecar").image).toBe("registry.local:5000/tools/sidecar:1.2");
  });

  it("applies a component to everything gathered before it, then the parent's own patches", async () => {
    const dir = await tree({
      "base/kustomization.yaml": `${KUSTOMIZATION}resources:\n  - app.yaml\n`,
      "base/app.yaml": APP,
      "autoscale/kustomization.yaml": `${COMPONENT}resources:\n  - hpa.yaml\npatches:\n  - path: replicas.yaml\n`,
      "autoscale/hpa.yaml":
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: app\nspec:\n  maxReplicas: 4\n",
      "autoscale/replicas.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: null\n",
      "overlay/kustomization.yaml": `${KUSTOMIZATION}namespace: sms\nresources:\n  - ../base\ncomponents:\n  - ../autoscale\npatches:\n  - path: hpa.yaml\n`,
      "overlay/hpa.yaml":
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: app\nspec:\n  maxReplicas: 8\n",
    });
    const objects = await renderKustomization(join(dir, "overlay"));
    expect(findObject(objects, "Deployment", "app")?.spec).not.toHaveProperty("replicas");
    const hpa = findObject(objects, "HorizontalPodAutoscaler", "app");
    expect(hpa?.spec).toEqual({ maxReplicas: 8 });
    expect(hpa?.metadata.namespace).toBe("sms");
  });

  it.each([
    [
      "a field outside the subset",
      { "kustomization.yaml": `${KUSTOMIZATION}configMapGenerator: []\n` },
      /the field configMapGenerator is not supported/,
    ],
    [
      "a patch that matches no object",
      {
        "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - app.yaml\npatches:\n  - path: p.yaml\n`,
        "app.yaml": APP,
        "p.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other\n",
      },
      /matches 0 objects, not one/,
    ],
    [
      "a patch directive",
      {
        "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - app.yaml\npatches:\n  - path: p.yaml\n`,
        "app.yaml": APP,
        "p.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  $patch: replace\n",
      },
      /directive \$patch is not supported/,
    ],
    [
      "an inline patch",
      {
        "kustomization.yaml": `${KUSTOMIZATION}patches:\n  - patch: "{}"\n    target: { kind: Deployment }\n`,
      },
      /must be \{ path: FILE \}/,
    ],
    [
      "an object defined twice",
      {
        "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - app.yaml\n  - app.yaml\n`,
        "app.yaml": APP,
      },
      /ConfigMap\/app-config is defined twice/,
    ],
    [
      "a Namespace object, which kustomize would rename",
      {
        "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - ns.yaml\n`,
        "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: sms\n",
      },
      /Namespace objects are not supported/,
    ],
    [
      "a component listed as a resource",
      {
        "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - part\n`,
        "part/kustomization.yaml": COMPONENT,
      },
      /is a Component, used as a Kustomization/,
    ],
    [
      "a resource that does not exist",
      { "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - missing.yaml\n` },
      /resource missing.yaml does not exist/,
    ],
    [
      "a duplicate key in a manifest",
      {
        "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - app.yaml\n`,
        "app.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  A: x\n  A: y\n",
      },
      /app\.yaml: Map keys must be unique/,
    ],
  ])("refuses %s", async (_what, files, message) => {
    const dir = await tree(files);
    await expect(renderKustomization(dir)).rejects.toMatchObject({
      code: "MANIFEST_INVALID",
      message: expect.stringMatching(message),
    });
  });

  it("reads manifests as kubectl does: an unquoted no is a boolean, not a string", async () => {
    const dir = await tree({
      "kustomization.yaml": `${KUSTOMIZATION}resources:\n  - app.yaml\n`,
      "app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  READ_ONLY: no\n",
    });
    const [config] = await renderKustomization(dir);
    expect(config?.data).toEqual({ READ_ONLY: false });
  });
});
