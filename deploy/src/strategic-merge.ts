import { isPlainObject, ManifestError } from "./kubernetes-object.js";

/**
 * The merge keys of the lists our manifests patch, as the Kubernetes API declares them
 * (`patchMergeKey`). Any other list in a patch replaces the list it lands on, as strategic merge
 * does for lists without a merge key.
 */
const MERGE_KEYS: Readonly<Record<string, (item: Record<string, unknown>) => string | undefined>> =
  {
    containers: () => "name",
    initContainers: () => "name",
    ephemeralContainers: () => "name",
    env: () => "name",
    volumes: () => "name",
    imagePullSecrets: () => "name",
    volumeMounts: () => "mountPath",
    topologySpreadConstraints: () => "topologyKey",
    // A container's ports merge on containerPort, a Service's on port.
    ports: (item) => ("containerPort" in item ? "containerPort" : "port"),
  };

function clone<T>(value: T): T {
  return structuredClone(value);
}

function mergeList(
  field: string,
  target: unknown[],
  patch: unknown[],
  path: string,
): unknown[] | undefined {
  const keyOf = MERGE_KEYS[field];
  if (!keyOf) return undefined;
  const merged = [...target];
  for (const [index, item] of patch.entries()) {
    if (!isPlainObject(item)) {
      throw new ManifestError(`${path}[${index}]: an item of ${field} must be a mapping`);
    }
    const key = keyOf(item);
    if (key === undefined || item[key] === undefined) {
      throw new ManifestError(`${path}[${index}]: an item of ${field} needs its merge key ${key}`);
    }
    const at = merged.findIndex(
      (existing) => isPlainObject(existing) && existing[key] === item[key],
    );
    if (at === -1) merged.push(stripNulls(clone(item)));
    else
      merged[at] = strategicMerge(merged[at] as Record<string, unknown>, item, `${path}[${index}]`);
  }
  return merged;
}

/** A patch value landing where there was nothing: its nulls have nothing left to clear. */
function stripNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripNulls) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== null) out[key] = stripNulls(entry);
  }
  return out as T;
}

/**
 * Applies a strategic merge patch to a copy of `target`, for the subset our manifests use:
 * mappings merge field by field, a `null` clears the field, lists with a Kubernetes merge key
 * (containers and env by `name`, volume mounts by `mountPath`, …) merge item by item, other
 * lists and scalars replace. Directives (`$patch`, `$retainKeys`, `$setElementOrder/…`) are
 * refused rather than misread.
 *
 * @throws {ManifestError} naming the path of an unsupported directive or malformed list item.
 */
export function strategicMerge(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
  path = "",
): Record<string, unknown> {
  const out = clone(target);
  for (const [field, value] of Object.entries(patch)) {
    const here = path ? `${path}.${field}` : field;
    if (field.startsWith("$")) {
      throw new ManifestError(`${here}: the patch directive ${field} is not supported`);
    }
    const current = out[field];
    if (value === null) {
      delete out[field];
    } else if (isPlainObject(value) && isPlainObject(current)) {
      out[field] = strategicMerge(current, value, here);
    } else if (Array.isArray(value) && Array.isArray(current)) {
      out[field] = mergeList(field, current, value, here) ?? stripNulls(clone(value));
    } else {
      out[field] = stripNulls(clone(value));
    }
  }
  return out;
}
