import { stat } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import {
  apiGroup,
  asKubernetesObject,
  describeObject,
  isPlainObject,
  type KubernetesObject,
  ManifestError,
} from "./kubernetes-object.js";
import { readYamlDocuments } from "./read-yaml.js";
import { strategicMerge } from "./strategic-merge.js";

/**
 * What this renderer understands of a kustomization, field by field. Anything else in a
 * `kustomization.yaml` is refused, so that a field kustomize would act on is never silently
 * skipped here: keep the manifests within this subset, or extend the renderer and its tests.
 */
const SUPPORTED_FIELDS = new Set([
  "apiVersion",
  "kind",
  "resources",
  "components",
  "namespace",
  "images",
  "patches",
]);

const KUSTOMIZATION_KINDS = {
  Kustomization: "kustomize.config.k8s.io/v1beta1",
  Component: "kustomize.config.k8s.io/v1alpha1",
} as const;

/** Cluster-wide kinds: the namespace transformer leaves them alone. */
const CLUSTER_SCOPED_KINDS = new Set([
  "ClusterRole",
  "CustomResourceDefinition",
  "IngressClass",
  "PersistentVolume",
  "PriorityClass",
  "StorageClass",
  "ClusterTriggerAuthentication",
]);

/**
 * Kinds whose handling by kustomize goes beyond setting `metadata.namespace` (a Namespace is
 * renamed, bindings get their subjects' namespace rewritten, …): refused rather than rendered
 * differently from kustomize.
 */
const UNSUPPORTED_KINDS = new Set([
  "Namespace",
  "RoleBinding",
  "ClusterRoleBinding",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "APIService",
]);

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

interface Kustomization {
  kind: keyof typeof KUSTOMIZATION_KINDS;
  resources: string[];
  components: string[];
  namespace?: string;
  images: ImageRule[];
  patches: string[];
}

function stringList(value: unknown, field: string, file: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) {
    throw new ManifestError(`${file}: ${field} must be a list of paths`);
  }
  return value;
}

function readImages(value: unknown, file: string): ImageRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ManifestError(`${file}: images must be a list`);
  return value.map((entry, index) => {
    if (!isPlainObject(entry) || typeof entry.name !== "string") {
      throw new ManifestError(`${file}: images[${index}] needs a name`);
    }
    for (const field of Object.keys(entry)) {
      if (!["name", "newName", "newTag", "digest"].includes(field)) {
        throw new ManifestError(`${file}: images[${index}].${field} is not supported`);
      }
      if (typeof entry[field] !== "string") {
        throw new ManifestError(`${file}: images[${index}].${field} must be a string`);
      }
    }
    return entry as unknown as ImageRule;
  });
}

function readPatches(value: unknown, file: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ManifestError(`${file}: patches must be a list`);
  return value.map((entry, index) => {
    if (!isPlainObject(entry) || typeof entry.path !== "string" || Object.keys(entry).length > 1) {
      throw new ManifestError(
        `${file}: patches[${index}] must be { path: FILE } (a strategic merge patch naming its target); inline patches, targets and options are not supported`,
      );
    }
    return entry.path;
  });
}

async function readKustomization(dir: string): Promise<Kustomization> {
  const file = join(dir, "kustomization.yaml");
  let documents: unknown[];
  try {
    documents = await readYamlDocuments(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ManifestError(`${dir}: no kustomization.yaml`);
    }
    throw error;
  }
  const [spec, ...rest] = documents;
  if (!isPlainObject(spec) || rest.length > 0) {
    throw new ManifestError(`${file}: must hold exactly one mapping`);
  }
  const kind = spec.kind;
  if (kind !== "Kustomization" && kind !== "Component") {
    throw new ManifestError(`${file}: kind must be Kustomization or Component`);
  }
  if (spec.apiVersion !== KUSTOMIZATION_KINDS[kind]) {
    throw new ManifestError(`${file}: a ${kind} has apiVersion ${KUSTOMIZATION_KINDS[kind]}`);
  }
  for (const field of Object.keys(spec)) {
    if (!SUPPORTED_FIELDS.has(field)) {
      throw new ManifestError(`${file}: the field ${field} is not supported by this renderer`);
    }
  }
  if (spec.namespace !== undefined && typeof spec.namespace !== "string") {
    throw new ManifestError(`${file}: namespace must be a string`);
  }
  return {
    kind,
    resources: stringList(spec.resources, "resources", file),
    components: stringList(spec.components, "components", file),
    ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
    images: readImages(spec.images, file),
    patches: readPatches(spec.patches, file),
  };
}

function sameId(a: KubernetesObject, b: KubernetesObject): boolean {
  return (
    a.kind === b.kind &&
    apiGroup(a.apiVersion) === apiGroup(b.apiVersion) &&
    a.metadata.name === b.metadata.name &&
    (a.metadata.namespace ?? "") === (b.metadata.namespace ?? "")
  );
}

function addObjects(into: KubernetesObject[], objects: KubernetesObject[], source: string) {
  for (const object of objects) {
    if (UNSUPPORTED_KINDS.has(object.kind)) {
      throw new ManifestError(
        `${source}: ${object.kind} objects are not supported by this renderer`,
      );
    }
    if (into.some((existing) => sameId(existing, object))) {
      throw new ManifestError(`${source}: ${describeObject(object)} is defined twice`);
    }
    into.push(object);
  }
}

async function readResource(
  base: string,
  entry: string,
  root: string,
): Promise<KubernetesObject[]> {
  if (/^[a-z]+:\/\//i.test(entry) || entry.startsWith("git@")) {
    throw new ManifestError(`${relative(root, base)}: remote resource ${entry} is not supported`);
  }
  const path = resolve(base, entry);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ManifestError(`${relative(root, base)}: resource ${entry} does not exist`);
  if (info.isDirectory()) return render(path, "Kustomization", root);
  const source = relative(root, path);
  return (await readYamlDocuments(path)).map((value) => asKubernetesObject(value, source));
}

function applyPatch(objects: KubernetesObject[], patch: KubernetesObject, source: string) {
  const namespace = patch.metadata.namespace;
  const matches = objects.filter(
    (object) =>
      object.kind === patch.kind &&
      apiGroup(object.apiVersion) === apiGroup(patch.apiVersion) &&
      object.metadata.name === patch.metadata.name &&
      (namespace === undefined || object.metadata.namespace === namespace),
  );
  if (matches.length !== 1) {
    throw new ManifestError(
      `${source}: the patch of ${describeObject(patch)} matches ${matches.length} objects, not one`,
    );
  }
  const target = matches[0]!;
  const merged = strategicMerge(target, patch) as KubernetesObject;
  objects[objects.indexOf(target)] = merged;
}

function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf("@");
  const withoutDigest = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const colon = withoutDigest.lastIndexOf(":");
  const slash = withoutDigest.lastIndexOf("/");
  const hasTag = colon > slash;
  return {
    name: hasTag ? withoutDigest.slice(0, colon) : withoutDigest,
    ...(hasTag ? { tag: withoutDigest.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** The image string after kustomize's `images` rules, or `undefined` when none names it. */
export function applyImageRules(image: string, rules: readonly ImageRule[]): string | undefined {
  const parts = splitImage(image);
  const rule = rules.find((candidate) => candidate.name === parts.name);
  if (!rule) return undefined;
  const name = rule.newName ?? parts.name;
  if (rule.digest) return `${name}@${rule.digest}`;
  const tag = rule.newTag ?? parts.tag;
  const suffix = tag ? `:${tag}` : "";
  return `${name}${suffix}${!rule.newTag && parts.digest ? `@${parts.digest}` : ""}`;
}

function applyImages(value: unknown, rules: readonly ImageRule[]): void {
  if (Array.isArray(value)) {
    for (const item of value) applyImages(item, rules);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [field, entry] of Object.entries(value)) {
    if ((field === "containers" || field === "initContainers") && Array.isArray(entry)) {
      for (const container of entry) {
        if (isPlainObject(container) && typeof container.image === "string") {
          container.image = applyImageRules(container.image, rules) ?? container.image;
        }
      }
    }
    applyImages(entry, rules);
  }
}

async function transform(
  objects: KubernetesObject[],
  spec: Kustomization,
  dir: string,
  root: string,
): Promise<void> {
  for (const entry of spec.patches) {
    const path = resolve(dir, entry);
    const source = relative(root, path);
    const documents = await readYamlDocuments(path);
    if (documents.length !== 1) {
      throw new ManifestError(`${source}: a patch file must hold exactly one patch`);
    }
    applyPatch(objects, asKubernetesObject(documents[0], source), source);
  }
  if (spec.namespace !== undefined) {
    for (const object of objects) {
      if (!CLUSTER_SCOPED_KINDS.has(object.kind)) object.metadata.namespace = spec.namespace;
    }
  }
  if (spec.images.length > 0) applyImages(objects, spec.images);
}

async function render(
  dir: string,
  expected: Kustomization["kind"],
  root: string,
  onto: KubernetesObject[] = [],
): Promise<KubernetesObject[]> {
  const spec = await readKustomization(dir);
  const where = relative(root, dir) || ".";
  if (spec.kind !== expected) {
    throw new ManifestError(`${where}: is a ${spec.kind}, used as a ${expected}`);
  }
  const objects = onto;
  for (const entry of spec.resources) {
    addObjects(objects, await readResource(dir, entry, root), where);
  }
  for (const entry of spec.components) {
    // A component acts on everything gathered so far: its resources join, its patches and
    // transformers apply to the whole set, as kustomize does.
    await render(resolve(dir, entry), "Component", root, objects);
  }
  await transform(objects, spec, dir, root);
  return objects;
}

/**
 * Renders a kustomization directory the way `kubectl kustomize` does, for the subset of
 * kustomize our manifests use: `resources` (files and directories), `components`, `namespace`,
 * `images` (`newName`, `newTag`, `digest`) and `patches` given as files of strategic merge
 * patches. Applied in kustomize's order: resources, then each component in turn, then this
 * kustomization's patches, namespace and images. Anything outside the subset fails with a
 * {@link ManifestError} instead of being rendered differently.
 *
 * @param dir the directory holding `kustomization.yaml`
 * @param root what paths in error messages are relative to. @default dir
 */
export async function renderKustomization(dir: string, root = dir): Promise<KubernetesObject[]> {
  return render(resolve(dir), "Kustomization", resolve(root));
}
