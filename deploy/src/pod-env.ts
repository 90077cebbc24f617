import { join } from "node:path";
import { findObject, type KubernetesObject, objectsOfKind } from "./kubernetes-object.js";
import { KUBERNETES_DIR } from "./paths.js";
import { readYamlDocuments } from "./read-yaml.js";

/** The parts of a container spec the checks read. */
export interface Container {
  name: string;
  image: string;
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string; optional?: boolean };
      configMapKeyRef?: { name: string; key: string; optional?: boolean };
    };
  }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

/** A probe: an HTTP GET, a TCP connect or a command. */
export interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
}

/** The parts of a pod spec the checks read. */
export interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  securityContext?: Record<string, unknown>;
}

/** One container of a Deployment, with its pod and its labels. */
export interface Workload {
  deployment: KubernetesObject;
  labels: Record<string, string>;
  pod: PodSpec;
  container: Container;
}

/** Every container of every Deployment of a rendering. */
export function workloads(objects: readonly KubernetesObject[]): Workload[] {
  return objectsOfKind(objects, "Deployment").flatMap((deployment) => {
    const template = (
      deployment.spec as { template: { metadata?: { labels?: object }; spec: PodSpec } }
    ).template;
    const labels = (template.metadata?.labels ?? {}) as Record<string, string>;
    return template.spec.containers.map((container) => ({
      deployment,
      labels,
      pod: template.spec,
      container,
    }));
  });
}

/** The Secrets of `secrets.example.yaml`: what an operator creates before applying the base. */
export async function readExampleSecrets(): Promise<KubernetesObject[]> {
  const documents = await readYamlDocuments(join(KUBERNETES_DIR, "secrets.example.yaml"));
  return documents as KubernetesObject[];
}

/** A Secret's value by key, from `stringData` or base64 `data`; `undefined` when absent. */
export function secretValue(secret: KubernetesObject | undefined, key: string): string | undefined {
  const stringData = secret?.stringData as Record<string, string> | undefined;
  if (stringData && key in stringData) return String(stringData[key]);
  const data = secret?.data as Record<string, string> | undefined;
  if (data && key in data) return Buffer.from(String(data[key]), "base64").toString("utf8");
  return undefined;
}

/** Where a container's Secrets come from: the rendering's own, else the example ones. */
export function findSecret(
  name: string,
  objects: readonly KubernetesObject[],
  examples: readonly KubernetesObject[],
): KubernetesObject | undefined {
  return findObject(objects, "Secret", name) ?? findObject(examples, "Secret", name);
}

/**
 * The environment a container starts with: its ConfigMaps (`envFrom`), then its `env` entries
 * with Secret and ConfigMap values looked up (a Secret the rendering does not hold comes from
 * `secrets.example.yaml`). Each reference that cannot be resolved is a problem, except optional
 * ones, which leave the variable unset as the kubelet does.
 */
export function resolveContainerEnv(
  workload: Workload,
  objects: readonly KubernetesObject[],
  examples: readonly KubernetesObject[],
): { env: Record<string, string>; problems: string[] } {
  const where = `${workload.deployment.metadata.name}/${workload.container.name}`;
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const source of workload.container.envFrom ?? []) {
    if (source.secretRef) {
      problems.push(`${where}: envFrom a Secret: list its keys as env entries instead`);
      continue;
    }
    const name = source.configMapRef?.name ?? "";
    const config = findObject(objects, "ConfigMap", name);
    if (!config) problems.push(`${where}: envFrom ConfigMap ${name}, which is not defined`);
    for (const [key, value] of Object.entries((config?.data ?? {}) as Record<string, unknown>)) {
      if (typeof value !== "string")
        problems.push(`${where}: ConfigMap ${name} ${key} is no string`);
      env[key] = String(value);
    }
  }
  for (const entry of workload.container.env ?? []) {
    const secretRef = entry.valueFrom?.secretKeyRef;
    const configRef = entry.valueFrom?.configMapKeyRef;
    let value: string | undefined = entry.value;
    if (secretRef) {
      value = secretValue(findSecret(secretRef.name, objects, examples), secretRef.key);
      if (value === undefined && !secretRef.optional) {
        problems.push(
          `${where}: ${entry.name} from Secret ${secretRef.name} key ${secretRef.key}, which is not defined`,
        );
      }
    } else if (configRef) {
      const data = findObject(objects, "ConfigMap", configRef.name)?.data as
        | Record<string, string>
        | undefined;
      value = data?.[configRef.key];
      if (value === undefined && !configRef.optional) {
        problems.push(
          `${where}: ${entry.name} from ConfigMap ${configRef.name} key ${configRef.key}, which is not defined`,
        );
      }
    }
    if (value !== undefined) env[entry.name] = value;
  }
  return { env, problems };
}

/** The names of the variables a container sets: its `env` entries and its ConfigMaps' keys. */
export function containerEnvNames(
  workload: Workload,
  objects: readonly KubernetesObject[],
): string[] {
  const names = (workload.container.env ?? []).map((entry) => entry.name);
  for (const source of workload.container.envFrom ?? []) {
    const config = findObject(objects, "ConfigMap", source.configMapRef?.name ?? "");
    names.push(...Object.keys((config?.data ?? {}) as object));
  }
  return names;
}
