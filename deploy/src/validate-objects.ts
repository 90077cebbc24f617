import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";
import { describeObject, isPlainObject, type KubernetesObject } from "./kubernetes-object.js";

interface ModelClass {
  new (data: never): { validate(): void };
}

/**
 * The schema of every kind our manifests hold, by `apiVersion` and `kind`, with the module the
 * class comes from (to find the field names its schema knows). A kind missing here fails
 * validation, so a new kind comes with its schema.
 */
const MODELS: ReadonlyArray<{ apiVersion: string; kind: string; model: ModelClass; from: string }> =
  [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      model: ConfigMap,
      from: "kubernetes-models/v1/ConfigMap",
    },
    { apiVersion: "v1", kind: "Secret", model: Secret, from: "kubernetes-models/v1/Secret" },
    { apiVersion: "v1", kind: "Service", model: Service, from: "kubernetes-models/v1/Service" },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      model: Deployment,
      from: "kubernetes-models/apps/v1/Deployment",
    },
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      model: PodDisruptionBudget,
      from: "kubernetes-models/policy/v1/PodDisruptionBudget",
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      model: Ingress,
      from: "kubernetes-models/networking.k8s.io/v1/Ingress",
    },
    {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      model: HorizontalPodAutoscaler,
      from: "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
    },
    {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      model: ScaledObject,
      from: "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject",
    },
    {
      apiVersion: "keda.sh/v1alpha1",
      kind: "TriggerAuthentication",
      model: TriggerAuthentication,
      from: "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication",
    },
  ];

/** Fields whose value is a free map (label keys, ConfigMap keys, quantities by resource name). */
const MAP_FIELDS = new Set([
  "labels",
  "annotations",
  "matchLabels",
  "data",
  "stringData",
  "binaryData",
  "nodeSelector",
  "limits",
  "requests",
]);

function isMapPath(kind: string, path: string): boolean {
  const field = path.slice(path.lastIndexOf(".") + 1);
  if (MAP_FIELDS.has(field)) return true;
  if (kind === "Service" && path === "spec.selector") return true;
  // A KEDA trigger's metadata: the scaler's own parameters, strings by name.
  return /^spec\.triggers\.\d+\.metadata$/.test(path);
}

const require = createRequire(import.meta.url);
const knownFieldsCache = new Map<string, ReadonlySet<string>>();

/**
 * Every field name the schema of a model mentions anywhere (its own and those of the schemas it
 * refers to), read from the validators kubernetes-models compiles from the OpenAPI schemas. The
 * validators check types and required fields but let unknown fields through, where the API
 * server (strict field validation, kubectl's default) refuses them.
 */
function knownFieldNames(from: string): ReadonlySet<string> {
  const cached = knownFieldsCache.get(from);
  if (cached) return cached;
  const names = new Set<string>();
  const seen = new Set<string>();
  const pending = [require.resolve(from)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    const local = createRequire(file);
    for (const [, spec] of source.matchAll(/require\("([^"]+)"\)/g)) {
      const target = local.resolve(spec!);
      if (/[\\/]_schemas[\\/]/.test(target)) pending.push(target);
    }
    for (const [, plain, quoted] of source.matchAll(
      /data(?:\.([A-Za-z_$][\w$]*)|\["([^"]+)"\])/g,
    )) {
      names.add((plain ?? quoted)!);
    }
  }
  names.delete("length");
  knownFieldsCache.set(from, names);
  return names;
}

function unknownFields(
  value: unknown,
  kind: string,
  known: ReadonlySet<string>,
  path: string,
  out: string[],
): void {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      unknownFields(item, kind, known, `${path}.${index}`, out);
    }
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [field, entry] of Object.entries(value)) {
    const here = path ? `${path}.${field}` : field;
    if (!known.has(field)) out.push(here);
    else if (!isMapPath(kind, here)) unknownFields(entry, kind, known, here, out);
  }
}

/**
 * Checks one object against the Kubernetes (or KEDA) schema of its kind: types, enums and
 * required fields through the kubernetes-models class's `validate()`, and field names against
 * those its schema knows, so that a misspelt `readinessprobe` fails as it would on the API server.
 *
 * @returns one line per problem, each naming the object; `[]` when it is valid.
 */
export function validateObject(object: KubernetesObject): string[] {
  const entry = MODELS.find(
    (candidate) => candidate.apiVersion === object.apiVersion && candidate.kind === object.kind,
  );
  const name = describeObject(object);
  if (!entry) return [`${name}: no schema for ${object.apiVersion} ${object.kind}`];
  const problems: string[] = [];
  try {
    new entry.model(structuredClone(object) as never).validate();
  } catch (error) {
    problems.push(`${name}: ${(error as Error).message}`);
  }
  const unknown: string[] = [];
  unknownFields(object, object.kind, knownFieldNames(entry.from), "", unknown);
  for (const path of unknown) problems.push(`${name}: unknown field ${path}`);
  return problems;
}

/** {@link validateObject} over a rendering. */
export function validateObjects(objects: readonly KubernetesObject[]): string[] {
  return objects.flatMap(validateObject);
}
