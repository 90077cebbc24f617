import type { CheckContext } from "./check-context.js";
import { type AppInstance, containerPort } from "./check-workloads.js";
import { type KubernetesObject, objectsOfKind } from "./kubernetes-object.js";
import { findSecret, secretValue, type Workload, workloads } from "./pod-env.js";

/** The path the receipts app takes delivery reports under (`POST /kpn/dlr/<reference>`). */
export const DLR_PATH = "/kpn/dlr";

type Labels = Record<string, string>;

function selects(selector: Labels, labels: Labels): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/** The Deployments whose pods a label selector picks, one container each. */
function selected(selector: Labels, objects: readonly KubernetesObject[]): Workload[] {
  const seen = new Set<string>();
  return workloads(objects).filter((workload) => {
    const name = workload.deployment.metadata.name;
    if (seen.has(name) || !selects(selector, workload.labels)) return false;
    seen.add(name);
    return true;
  });
}

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

function serviceSpec(service: KubernetesObject) {
  return service.spec as { selector?: Labels; ports?: ServicePort[]; clusterIP?: string };
}

function checkSelectors(objects: readonly KubernetesObject[]): string[] {
  const problems: string[] = [];
  for (const deployment of objectsOfKind(objects, "Deployment")) {
    const spec = deployment.spec as {
      selector: { matchLabels?: Labels };
      template: { metadata?: { labels?: Labels } };
    };
    if (!selects(spec.selector.matchLabels ?? {}, spec.template.metadata?.labels ?? {})) {
      problems.push(`Deployment ${deployment.metadata.name}: its selector does not match its pods`);
    }
  }
  for (const service of objectsOfKind(objects, "Service")) {
    const { selector = {}, ports = [] } = serviceSpec(service);
    const pods = selected(selector, objects);
    if (pods.length !== 1) {
      problems.push(
        `Service ${service.metadata.name}: selects ${pods.length} Deployments, not one`,
      );
      continue;
    }
    for (const port of ports) {
      const target = port.targetPort ?? port.port;
      if (containerPort(pods[0]!.container, target) === undefined) {
        problems.push(
          `Service ${service.metadata.name}: targetPort ${target} is not a port of ${pods[0]!.deployment.metadata.name}`,
        );
      }
    }
  }
  for (const budget of objectsOfKind(objects, "PodDisruptionBudget")) {
    const spec = budget.spec as { selector?: { matchLabels?: Labels } };
    const pods = selected(spec.selector?.matchLabels ?? {}, objects);
    if (pods.length !== 1) {
      problems.push(
        `PodDisruptionBudget ${budget.metadata.name}: selects ${pods.length} Deployments, not one`,
      );
    }
  }
  return problems;
}

/** The Deployment a Service sends to, and the Service's port by name or number. */
function serviceTarget(
  objects: readonly KubernetesObject[],
  name: string,
  port: number | string | undefined,
): { workload: Workload; port: ServicePort } | undefined {
  const service = objectsOfKind(objects, "Service").find((entry) => entry.metadata.name === name);
  if (!service) return undefined;
  const { selector = {}, ports = [] } = serviceSpec(service);
  const found = ports.find((entry) =>
    typeof port === "number" ? entry.port === port : port === undefined || entry.name === port,
  );
  const [workload] = selected(selector, objects);
  return workload && found ? { workload, port: found } : undefined;
}

interface IngressPath {
  path?: string;
  backend: { service?: { name: string; port: { name?: string; number?: number } } };
}

function ingressRoutes(objects: readonly KubernetesObject[]) {
  return objectsOfKind(objects, "Ingress").flatMap((ingress) => {
    const rules = (
      ingress.spec as { rules?: Array<{ host?: string; http?: { paths: IngressPath[] } }> }
    ).rules;
    return (rules ?? []).flatMap((rule) =>
      (rule.http?.paths ?? []).map((path) => ({
        ingress: ingress.metadata.name,
        host: rule.host,
        path,
      })),
    );
  });
}

function checkIngresses(
  objects: readonly KubernetesObject[],
  apps: readonly AppInstance[],
): string[] {
  const problems: string[] = [];
  for (const { ingress, path } of ingressRoutes(objects)) {
    const backend = path.backend.service;
    const port = backend?.port.number ?? backend?.port.name;
    const target = backend && serviceTarget(objects, backend.name, port);
    if (!target) {
      problems.push(`Ingress ${ingress}: backend ${backend?.name}:${port} is no Service port`);
      continue;
    }
    const app = apps.find((entry) => entry.workload.deployment === target.workload.deployment);
    // Only the webhook is public: the receipts port also serves /metrics.
    if (app?.config.app === "apps/receipts" && path.path !== DLR_PATH) {
      problems.push(
        `Ingress ${ingress}: publishes ${path.path ?? "/"} of receipts, not only ${DLR_PATH}`,
      );
    }
  }
  return problems;
}

/** Where a URL leads inside the rendering: the app behind the Service or Ingress it names. */
function appBehind(
  url: URL,
  objects: readonly KubernetesObject[],
  apps: readonly AppInstance[],
): AppInstance | undefined {
  const byDeployment = (workload: Workload | undefined) =>
    apps.find((app) => app.workload.deployment === workload?.deployment);
  const route = ingressRoutes(objects).find(
    (entry) =>
      entry.host === url.hostname &&
      url.protocol === "https:" &&
      url.pathname.startsWith(entry.path.path ?? "/"),
  );
  const backend = route?.path.backend.service;
  if (backend) {
    const port = backend.port.number ?? backend.port.name;
    return byDeployment(serviceTarget(objects, backend.name, port)?.workload);
  }
  const [service] = url.hostname.split(".");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return byDeployment(serviceTarget(objects, service ?? "", port)?.workload);
}

function checkUrls(objects: readonly KubernetesObject[], apps: readonly AppInstance[]): string[] {
  const problems: string[] = [];
  const worker = apps.find((app) => app.config.app === "apps/worker");
  if (!worker) return problems;
  const dlrUrl = worker.config.parsed.dlrUrl as string | undefined;
  if (dlrUrl) {
    const url = new URL(dlrUrl);
    if (appBehind(url, objects, apps)?.config.app !== "apps/receipts") {
      problems.push(`worker: SMS_DLR_URL ${dlrUrl} leads to no receipts app of this rendering`);
    }
    if (url.pathname.replace(/\/$/, "") !== DLR_PATH) {
      problems.push(`worker: SMS_DLR_URL ${dlrUrl} does not end in ${DLR_PATH}`);
    }
  }
  const kpn = new URL(worker.config.parsed.kpnBaseUrl as string);
  const sandbox = appBehind(kpn, objects, apps);
  if (!kpn.hostname.includes(".") && sandbox?.config.app !== "apps/kpn-sandbox") {
    problems.push(`worker: KPN_BASE_URL ${kpn.href} leads to no kpn-sandbox of this rendering`);
  }
  if (sandbox?.config.app === "apps/kpn-sandbox") {
    const accepted = sandbox.config.parsed as { clientId: string; clientSecret: string };
    const given = worker.config.parsed as { kpnClientId: string; kpnClientSecret: string };
    if (
      accepted.clientId !== given.kpnClientId ||
      accepted.clientSecret !== given.kpnClientSecret
    ) {
      problems.push("worker: its KPN credentials are not those the kpn-sandbox accepts");
    }
    const signing = (sandbox.config.parsed.deliveryReports ?? {}) as {
      keyId?: string;
      secret?: string;
    };
    for (const receipts of apps.filter((app) => app.config.app === "apps/receipts")) {
      const keys = receipts.config.parsed.keys as Array<{ id: string; secret: string }> | false;
      const accepts =
        keys === false ||
        keys.some(
          (key) => (key.id === signing.keyId || key.id === "*") && key.secret === signing.secret,
        );
      if (!accepts) problems.push("receipts: KPN_WEBHOOK_KEYS lacks the kpn-sandbox's signing key");
    }
  }
  return problems;
}

function checkPrefixes(apps: readonly AppInstance[]): string[] {
  const prefixes = new Set(
    apps.flatMap((app) => (app.config.prefix === undefined ? [] : [app.config.prefix])),
  );
  return prefixes.size > 1
    ? [`the apps use different SMS_QUEUE_PREFIX values: ${[...prefixes].join(", ")}`]
    : [];
}

function checkTriggerAuthentications(
  objects: readonly KubernetesObject[],
  context: CheckContext,
): string[] {
  const problems: string[] = [];
  for (const auth of objectsOfKind(objects, "TriggerAuthentication")) {
    const refs = (
      auth.spec as { secretTargetRef?: Array<{ parameter: string; name: string; key: string }> }
    ).secretTargetRef;
    for (const ref of refs ?? []) {
      const secret = findSecret(ref.name, objects, context.exampleSecrets);
      if (secretValue(secret, ref.key) === undefined) {
        problems.push(
          `TriggerAuthentication ${auth.metadata.name}: ${ref.parameter} from Secret ${ref.name} key ${ref.key}, which is not defined`,
        );
      }
    }
  }
  return problems;
}

/**
 * Checks how the objects of a rendering reach each other: selectors match pods (Deployments,
 * Services, PodDisruptionBudgets, each picking one Deployment), Service target ports and
 * Ingress backends exist, only the webhook path of receipts is published, KEDA's Secret keys are
 * defined, all apps share one queue prefix, `SMS_DLR_URL` leads to the receipts app and an
 * in-cluster `KPN_BASE_URL` to a kpn-sandbox that accepts the worker's credentials and signs
 * with a key receipts accepts.
 */
export function checkWiring(
  objects: readonly KubernetesObject[],
  apps: readonly AppInstance[],
  context: CheckContext,
): string[] {
  return [
    ...checkSelectors(objects),
    ...checkIngresses(objects, apps),
    ...checkTriggerAuthentications(objects, context),
    ...checkPrefixes(apps),
    ...checkUrls(objects, apps),
  ];
}
