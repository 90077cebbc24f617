import { type AppConfig, isKnownApp, parseAppConfig } from "./app-config.js";
import type { CheckContext } from "./check-context.js";
import { imageTarget } from "./dockerfile-targets.js";
import type { KubernetesObject } from "./kubernetes-object.js";
import {
  type Container,
  containerEnvNames,
  type Probe,
  resolveContainerEnv,
  type Workload,
  workloads,
} from "./pod-env.js";

/** A container that runs one of our apps, with the configuration the app would start with. */
export interface AppInstance {
  workload: Workload;
  /** The Dockerfile target its image comes from. */
  target: string;
  config: AppConfig;
  /** The environment it starts with: the image's ENV, then the container's. */
  env: Record<string, string>;
}

/** The result of {@link checkWorkloads}. */
export interface WorkloadReport {
  problems: string[];
  apps: AppInstance[];
}

/** The container port a probe or Service names (by name or by number), or `undefined`. */
export function containerPort(container: Container, port: number | string): number | undefined {
  const found = (container.ports ?? []).find((entry) =>
    typeof port === "number" ? entry.containerPort === port : entry.name === port,
  );
  return found?.containerPort;
}

function probesOf(container: Container): Array<[string, Probe]> {
  const probes: Array<[string, Probe | undefined]> = [
    ["livenessProbe", container.livenessProbe],
    ["readinessProbe", container.readinessProbe],
    ["startupProbe", container.startupProbe],
  ];
  return probes.filter((entry): entry is [string, Probe] => entry[1] !== undefined);
}

function preStopSleepMs(container: Container): number {
  const command = container.lifecycle?.preStop?.exec?.command ?? [];
  return command[0] === "sleep" ? Number(command[1] ?? 0) * 1000 : 0;
}

function checkSecurity(workload: Workload, where: string): string[] {
  const problems: string[] = [];
  const pod = workload.pod.securityContext ?? {};
  const container = workload.container.securityContext ?? {};
  if (pod.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
  // The kubelet refuses runAsNonRoot for an image whose USER is a name, unless a number is given.
  if (typeof pod.runAsUser !== "number" || pod.runAsUser === 0) {
    problems.push(`${where}: runAsUser is not a non-zero number`);
  }
  if ((pod.seccompProfile as { type?: string } | undefined)?.type !== "RuntimeDefault") {
    problems.push(`${where}: seccompProfile is not RuntimeDefault`);
  }
  if (container.allowPrivilegeEscalation !== false) {
    problems.push(`${where}: allowPrivilegeEscalation is not false`);
  }
  if (container.readOnlyRootFilesystem !== true) {
    problems.push(`${where}: readOnlyRootFilesystem is not true`);
  }
  if (!(container.capabilities as { drop?: string[] } | undefined)?.drop?.includes("ALL")) {
    problems.push(`${where}: capabilities do not drop ALL`);
  }
  if (workload.pod.enableServiceLinks !== false) {
    problems.push(
      `${where}: enableServiceLinks is not false (Services would set *_PORT variables)`,
    );
  }
  if (workload.pod.automountServiceAccountToken !== false) {
    problems.push(`${where}: automountServiceAccountToken is not false`);
  }
  const { requests = {}, limits = {} } = workload.container.resources ?? {};
  if (!requests.cpu || !requests.memory || !limits.memory) {
    problems.push(`${where}: resources need cpu and memory requests and a memory limit`);
  }
  return problems;
}

function checkProbes(workload: Workload, where: string, appPort?: number): string[] {
  const problems: string[] = [];
  const probes = probesOf(workload.container);
  for (const required of ["livenessProbe", "readinessProbe"]) {
    if (!probes.some(([kind]) => kind === required)) problems.push(`${where}: no ${required}`);
  }
  for (const [kind, probe] of probes) {
    const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
    if (port === undefined) continue;
    const resolved = containerPort(workload.container, port);
    if (resolved === undefined) {
      problems.push(`${where}: ${kind} port ${port} is not a port of the container`);
    } else if (appPort !== undefined && resolved !== appPort) {
      problems.push(`${where}: ${kind} probes port ${resolved}, the app listens on ${appPort}`);
    }
  }
  return problems;
}

async function checkApp(
  workload: Workload,
  target: string,
  objects: readonly KubernetesObject[],
  context: CheckContext,
  where: string,
): Promise<{ problems: string[]; app?: AppInstance }> {
  const problems: string[] = [];
  const build = context.targets.get(target);
  if (!build)
    return {
      problems: [
        `${where}: image ${workload.container.image} names no Dockerfile target ${target}`,
      ],
    };
  if (!build.app || !isKnownApp(build.app)) {
    return { problems: [`${where}: Dockerfile target ${target} runs no app these checks know`] };
  }
  const reads = context.envNames.get(build.app) ?? new Set();
  for (const name of containerEnvNames(workload, objects)) {
    if (!reads.has(name)) problems.push(`${where}: sets ${name}, which ${build.app} does not read`);
  }
  const resolved = resolveContainerEnv(workload, objects, context.exampleSecrets);
  problems.push(...resolved.problems);
  const env = { ...build.env, ...resolved.env };
  let config: AppConfig;
  try {
    config = await parseAppConfig(build.app, env);
  } catch (error) {
    problems.push(`${where}: ${build.app} refuses its configuration: ${(error as Error).message}`);
    return { problems };
  }
  if (containerPort(workload.container, config.port) === undefined) {
    problems.push(`${where}: ${build.app} listens on ${config.port}, not a port of the container`);
  }
  if (config.host !== "0.0.0.0" && config.host !== "::") {
    problems.push(
      `${where}: ${build.app} listens on ${config.host}, unreachable from outside the pod`,
    );
  }
  problems.push(...checkProbes(workload, where, config.port));
  const graceSeconds = workload.pod.terminationGracePeriodSeconds ?? 30;
  const neededMs = preStopSleepMs(workload.container) + config.graceMs + context.marginMs;
  if (graceSeconds * 1000 <= neededMs) {
    problems.push(
      `${where}: terminationGracePeriodSeconds ${graceSeconds} is not above preStop + grace + closing (${neededMs} ms)`,
    );
  }
  return { problems, app: { workload, target, config, env } };
}

/**
 * Checks every container of a rendering against what it runs: its image names a Dockerfile
 * target (or is an allowed outside image), every variable it sets is one its app reads, the app's
 * own parser accepts the resulting configuration, the app listens on the container's port and
 * on every interface, probes name that port, the pod runs locked down (non-root by number, read-
 * only root, no privilege escalation, no capabilities, RuntimeDefault seccomp, no service links
 * or API token) with resource requests, and Kubernetes waits out the app's shutdown.
 */
export async function checkWorkloads(
  objects: readonly KubernetesObject[],
  context: CheckContext,
): Promise<WorkloadReport> {
  const problems: string[] = [];
  const apps: AppInstance[] = [];
  for (const workload of workloads(objects)) {
    const where = `${workload.deployment.metadata.name}/${workload.container.name}`;
    problems.push(...checkSecurity(workload, where));
    const target = imageTarget(workload.container.image);
    if (target === undefined) {
      if (!context.externalImages.has(workload.container.image)) {
        problems.push(`${where}: image ${workload.container.image} is neither ours nor allowed`);
      }
      problems.push(...checkProbes(workload, where));
      continue;
    }
    const result = await checkApp(workload, target, objects, context, where);
    problems.push(...result.problems);
    if (result.app) apps.push(result.app);
  }
  return { problems, apps };
}
