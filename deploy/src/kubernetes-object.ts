/** A Kubernetes object as read from YAML: the fields every object has, the rest unchecked. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** Thrown for a manifest or kustomization this repository's tooling cannot read soundly. */
export class ManifestError extends Error {
  override readonly name = "ManifestError";
  /** Always `"MANIFEST_INVALID"`. */
  readonly code = "MANIFEST_INVALID";
}

/** `true` for a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks the fields every object needs, naming the file when one is missing. */
export function asKubernetesObject(value: unknown, source: string): KubernetesObject {
  if (!isPlainObject(value)) throw new ManifestError(`${source}: a document is not a mapping`);
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    throw new ManifestError(`${source}: a document has no apiVersion or kind`);
  }
  if (!isPlainObject(metadata) || typeof metadata.name !== "string" || metadata.name === "") {
    throw new ManifestError(`${source}: a ${kind} has no metadata.name`);
  }
  return value as KubernetesObject;
}

/** The API group of an `apiVersion` (`""` for the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

/** `Kind/name` with the group when there is one, for messages: `Deployment.apps/worker`. */
export function describeObject(object: Pick<KubernetesObject, "apiVersion" | "kind" | "metadata">) {
  const group = apiGroup(object.apiVersion);
  return `${object.kind}${group ? `.${group}` : ""}/${object.metadata.name}`;
}

/** The first object of `kind` named `name`, or `undefined`. */
export function findObject(
  objects: readonly KubernetesObject[],
  kind: string,
  name: string,
): KubernetesObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

/** Every object of one kind. */
export function objectsOfKind(
  objects: readonly KubernetesObject[],
  kind: string,
): KubernetesObject[] {
  return objects.filter((object) => object.kind === kind);
}
