import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CheckContext, loadCheckContext } from "../src/check-context.js";
import { checkRendering } from "../src/check-rendering.js";
import { objectsOfKind } from "../src/kubernetes-object.js";
import { KUBERNETES_DIR } from "../src/paths.js";
import { workloads } from "../src/pod-env.js";
import { type Rendering, renderComposition, renderShipped } from "../src/renderings.js";

let context: CheckContext;
let renderings: Rendering[];
beforeAll(async () => {
  context = await loadCheckContext();
  renderings = await renderShipped();
});

describe("every shipped kustomization", () => {
  it("names only what exists: images, variables, ports, Secrets, selectors, queue keys", async () => {
    for (const { name, objects } of renderings) {
      const { problems, apps } = await checkRendering(objects, context);
      expect(problems, name).toEqual([]);
      expect(apps.length, name).toBeGreaterThanOrEqual(3);
    }
  });
});

describe("the sandbox overlay with KEDA", () => {
  it("passes the checks, its Secrets serving the TriggerAuthentication too", async () => {
    const objects = await renderComposition(["overlays/sandbox"], ["components/keda-autoscaling"]);
    expect((await checkRendering(objects, context)).problems).toEqual([]);
  });
});

describe("the README", () => {
  it("documents every Secret and key the manifests refer to", async () => {
    const readme = await readFile(join(KUBERNETES_DIR, "README.md"), "utf8");
    const referred = new Set<string>();
    for (const { objects } of renderings) {
      for (const { container } of workloads(objects)) {
        for (const entry of container.env ?? []) {
          const ref = entry.valueFrom?.secretKeyRef;
          if (ref) referred.add(ref.name).add(ref.key);
        }
      }
      for (const auth of objectsOfKind(objects, "TriggerAuthentication")) {
        const refs = (auth.spec as { secretTargetRef: Array<{ name: string; key: string }> })
          .secretTargetRef;
        for (const ref of refs) referred.add(ref.name).add(ref.key);
      }
      for (const ingress of objectsOfKind(objects, "Ingress")) {
        for (const tls of (ingress.spec as { tls?: Array<{ secretName: string }> }).tls ?? []) {
          referred.add(tls.secretName);
        }
      }
    }
    expect(referred.size).toBeGreaterThan(10);
    expect([...referred].filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the changes reach into parsed YAML of any shape.
type Mutable = Record<string, any>;

/** A copy of a shipped rendering with one change, and the problems the checks find in it. */
async function problemsAfter(name: string, change: (objects: Mutable[]) => void) {
  const rendering = renderings.find((entry) => entry.name === name)!;
  const objects = structuredClone(rendering.objects) as Mutable[];
  change(objects);
  return (await checkRendering(objects as never, context)).problems;
}

function find(objects: Mutable[], kind: string, name: string): Mutable {
  return objects.find((object) => object.kind === kind && object.metadata.name === name)!;
}

function pod(objects: Mutable[], deployment: string): Mutable {
  return find(objects, "Deployment", deployment).spec.template.spec;
}

function container(objects: Mutable[], deployment: string): Mutable {
  return pod(objects, deployment).containers[0];
}

describe("the cross-checks", () => {
  it.each<[string, string, (objects: Mutable[]) => void, RegExp]>([
    [
      "a variable the app does not read",
      "overlays/sandbox",
      (o) => container(o, "worker").env.push({ name: "HEALTH_PROT", value: "9464" }),
      /worker\/worker: sets HEALTH_PROT, which apps\/worker does not read/,
    ],
    [
      "a ConfigMap key the app does not read",
      "base",
      (o) =>
        Object.assign(find(o, "ConfigMap", "receipts-config").data, { RECEIPTS_VERIFY_SIG: "on" }),
      /receipts\/receipts: sets RECEIPTS_VERIFY_SIG, which apps\/receipts does not read/,
    ],
    [
      "a value the app refuses at start",
      "overlays/production",
      (o) => Object.assign(find(o, "ConfigMap", "worker-config").data, { WORKER_CONCURRENCY: "0" }),
      /apps\/worker refuses its configuration: .*WORKER_CONCURRENCY/,
    ],
    [
      "a port the container does not declare",
      "base",
      (o) =>
        (container(o, "worker").env.find((e: Mutable) => e.name === "HEALTH_PORT").value = "9000"),
      /apps\/worker listens on 9000, not a port of the container/,
    ],
    [
      "a probe on another port",
      "base",
      (o) => (container(o, "receipts").readinessProbe.httpGet.port = 9999),
      /readinessProbe port 9999 is not a port of the container/,
    ],
    [
      "a missing probe",
      "base",
      (o) => delete container(o, "dashboard").readinessProbe,
      /dashboard\/dashboard: no readinessProbe/,
    ],
    [
      "an app bound to loopback",
      "base",
      (o) =>
        (container(o, "receipts").env.find((e: Mutable) => e.name === "RECEIPTS_HOST").value =
          "127.0.0.1"),
      /listens on 127\.0\.0\.1, unreachable from outside the pod/,
    ],
    [
      "an image of no Dockerfile target",
      "overlays/production",
      (o) => (container(o, "worker").image = "registry.example.com/sms-relay-scheduler:0.1.0"),
      /names no Dockerfile target scheduler/,
    ],
    [
      "an outside image",
      "overlays/sandbox",
      (o) => (container(o, "redis").image = "redis:latest"),
      /image redis:latest is neither ours nor allowed/,
    ],
    [
      "a grace period the worker's shutdown outlasts",
      "base",
      (o) => (pod(o, "worker").terminationGracePeriodSeconds = 27),
      /terminationGracePeriodSeconds 27 is not above preStop \+ grace \+ closing \(27000 ms\)/,
    ],
    [
      "a grace period that forgets the preStop sleep",
      "base",
      (o) => (pod(o, "receipts").terminationGracePeriodSeconds = 12),
      /receipts\/receipts: terminationGracePeriodSeconds 12 .*\(12000 ms\)/,
    ],
    [
      "a writable root file system",
      "base",
      (o) => (container(o, "dashboard").securityContext.readOnlyRootFilesystem = false),
      /dashboard\/dashboard: readOnlyRootFilesystem is not true/,
    ],
    [
      "a user the kubelet cannot check",
      "base",
      (o) => delete pod(o, "worker").securityContext.runAsUser,
      /worker\/worker: runAsUser is not a non-zero number/,
    ],
    [
      "service links left on",
      "overlays/sandbox",
      (o) => delete pod(o, "receipts").enableServiceLinks,
      /receipts\/receipts: enableServiceLinks is not false/,
    ],
    [
      "a Secret key nobody defines",
      "base",
      (o) =>
        (container(o, "worker").env.find(
          (e: Mutable) => e.name === "KPN_CLIENT_SECRET",
        ).valueFrom.secretKeyRef.key = "KPN_SECRET"),
      /KPN_CLIENT_SECRET from Secret sms-relay-kpn key KPN_SECRET, which is not defined/,
    ],
    [
      "a Service that selects no pods",
      "base",
      (o) =>
        (find(o, "Service", "receipts").spec.selector["app.kubernetes.io/component"] = "receipt"),
      /Service receipts: selects 0 Deployments, not one/,
    ],
    [
      "a Service port that is not a container port",
      "base",
      (o) => (find(o, "Service", "dashboard").spec.ports[0].targetPort = "web"),
      /Service dashboard: targetPort web is not a port of dashboard/,
    ],
    [
      "a PodDisruptionBudget that selects no pods",
      "base",
      (o) =>
        (find(o, "PodDisruptionBudget", "worker").spec.selector.matchLabels[
          "app.kubernetes.io/component"
        ] = "workers"),
      /PodDisruptionBudget worker: selects 0 Deployments, not one/,
    ],
    [
      "an Ingress that publishes /metrics",
      "overlays/production",
      (o) => (find(o, "Ingress", "receipts").spec.rules[0].http.paths[0].path = "/"),
      /Ingress receipts: publishes \/ of receipts, not only \/kpn\/dlr/,
    ],
    [
      "a delivery report URL that leads nowhere",
      "overlays/production",
      (o) =>
        (find(o, "ConfigMap", "worker-config").data.SMS_DLR_URL =
          "https://dlr.example.com/kpn/dlr"),
      /SMS_DLR_URL https:\/\/dlr\.example\.com\/kpn\/dlr leads to no receipts app/,
    ],
    [
      "credentials the kpn-sandbox does not accept",
      "overlays/sandbox",
      (o) => {
        const env = container(o, "kpn-sandbox").env;
        env.splice(
          env.findIndex((e: Mutable) => e.name === "SANDBOX_CLIENT_SECRET"),
          1,
          {
            name: "SANDBOX_CLIENT_SECRET",
            value: "another-secret",
          },
        );
      },
      /worker: its KPN credentials are not those the kpn-sandbox accepts/,
    ],
    [
      "a prefix changed in one app only",
      "overlays/production",
      (o) => (find(o, "ConfigMap", "worker-config").data.SMS_QUEUE_PREFIX = "{sms}"),
      /different SMS_QUEUE_PREFIX values: \{sms\}, bull/,
    ],
    [
      "a prefix the autoscaler does not follow",
      "overlays/production",
      (o) => {
        for (const config of ["worker-config", "receipts-config", "dashboard-config"]) {
          find(o, "ConfigMap", config).data.SMS_QUEUE_PREFIX = "sms-relay";
        }
      },
      /trigger waiting: list bull:sms:wait is not one of sms-relay:sms:wait, sms-relay:sms:active/,
    ],
    [
      "a target above WORKER_CONCURRENCY",
      "overlays/production",
      (o) => (find(o, "ScaledObject", "worker").spec.triggers[1].metadata.listLength = "2000"),
      /trigger active: listLength 2000 is not between SMS_BATCH_SIZE \(200\) and WORKER_CONCURRENCY \(1600\)/,
    ],
    [
      "a trigger without listLength, which KEDA reads as 5",
      "overlays/production",
      (o) => delete find(o, "ScaledObject", "worker").spec.triggers[1].metadata.listLength,
      /trigger active: listLength is missing, and KEDA's default 5 is not between SMS_BATCH_SIZE \(200\) and WORKER_CONCURRENCY \(1600\)/,
    ],
    [
      "a trigger without its authentication",
      "overlays/production",
      (o) => delete find(o, "ScaledObject", "worker").spec.triggers[0].authenticationRef,
      /trigger waiting: authenticationRef is missing; a patch of spec.triggers replaces the whole list/,
    ],
    [
      "no trigger on the jobs workers hold",
      "overlays/production",
      (o) => find(o, "ScaledObject", "worker").spec.triggers.pop(),
      /ScaledObject worker: no trigger on the jobs workers hold \(bull:sms:active\)/,
    ],
    [
      "a worker that may scale to zero",
      "overlays/production",
      (o) => (find(o, "ScaledObject", "worker").spec.minReplicaCount = 0),
      /ScaledObject worker: minReplicaCount below 1/,
    ],
    [
      "a replica count beside the autoscaler",
      "overlays/production",
      (o) => (find(o, "Deployment", "worker").spec.replicas = 2),
      /Deployment\/worker: sets replicas, which every apply would reset/,
    ],
  ])("report %s", async (_what, rendering, change, expected) => {
    const problems = await problemsAfter(rendering, change);
    expect(problems.join("\n")).toMatch(expected);
  });

  it("report both autoscaling components on the worker at once", async () => {
    const objects = await renderComposition(
      ["base"],
      ["components/keda-autoscaling", "components/cpu-autoscaling"],
    );
    const { problems } = await checkRendering(objects, context);
    expect(problems).toEqual([
      "Deployment/worker: driven by ScaledObject worker and HorizontalPodAutoscaler worker at once",
    ]);
  });
});
