import { SMS_QUEUE } from "@sms-relay/producer";
import type { AppInstance } from "./check-workloads.js";
import { findObject, type KubernetesObject } from "./kubernetes-object.js";

/**
 * The Redis key of one of a BullMQ queue's job lists: `<prefix>:<queue>:<list>`. BullMQ 5 and
 * later keep jobs no worker has taken in `wait` (a paused queue too) and jobs workers hold in
 * `active`, both lists; jobs with a priority wait in the sorted set `prioritized` instead, and
 * retries in the sorted set `delayed`. A test checks this layout against BullMQ itself.
 */
export function bullmqListKey(prefix: string, list: "wait" | "active", queue = SMS_QUEUE): string {
  return `${prefix}:${queue}:${list}`;
}

interface ScaleTarget {
  apiVersion?: string;
  kind?: string;
  name: string;
}

interface RedisTrigger {
  type?: string;
  name?: string;
  metadata?: Record<string, string>;
  authenticationRef?: { name?: string; kind?: string };
}

/**
 * Said with a field a trigger lacks. The usual cause: an overlay patch that sets one field of
 * one trigger. A ScaledObject is a custom resource, whose lists kustomize cannot merge item by
 * item, so such a patch replaces the whole `triggers` list with what it holds.
 */
const PARTIAL_PATCH_HINT =
  "a patch of spec.triggers replaces the whole list, so give every trigger in full";

/** KEDA's Redis scaler aims at this many items a replica when `listLength` is not set. */
const KEDA_DEFAULT_LIST_LENGTH = "5";

function autoscalers(objects: readonly KubernetesObject[]) {
  return objects.flatMap((object) => {
    if (object.kind !== "HorizontalPodAutoscaler" && object.kind !== "ScaledObject") return [];
    const target = (object.spec as { scaleTargetRef: ScaleTarget }).scaleTargetRef;
    return [{ object, target: `${target.kind ?? "Deployment"}/${target.name}` }];
  });
}

function checkTriggers(
  scaled: KubernetesObject,
  worker: AppInstance | undefined,
  objects: readonly KubernetesObject[],
): string[] {
  const where = `ScaledObject ${scaled.metadata.name}`;
  if (!worker) return [`${where}: scales no worker`];
  const spec = scaled.spec as { minReplicaCount?: number; triggers?: RedisTrigger[] };
  const problems: string[] = [];
  // Workers promote due retries from the delayed set; with none running they never come back.
  if ((spec.minReplicaCount ?? 0) < 1) problems.push(`${where}: minReplicaCount below 1`);
  const config = worker.config.parsed as {
    queuePrefix: string;
    redisUrl: string;
    redisCluster: boolean;
    concurrency: number;
    batchSize: number;
  };
  const keys = new Set([
    bullmqListKey(config.queuePrefix, "wait"),
    bullmqListKey(config.queuePrefix, "active"),
  ]);
  const redisUrl = new URL(config.redisUrl);
  const database = redisUrl.pathname.replace(/^\//, "") || "0";
  const lists = new Set<string>();
  for (const [index, trigger] of (spec.triggers ?? []).entries()) {
    const at = `${where} trigger ${trigger.name ?? trigger.type ?? index}`;
    const expectedType = config.redisCluster ? "redis-cluster" : "redis";
    if (trigger.type === undefined) problems.push(`${at}: type is missing (${expectedType})`);
    else if (trigger.type !== expectedType)
      problems.push(`${at}: type ${trigger.type}, not ${expectedType}`);
    const {
      listName,
      listLength,
      databaseIndex = "0",
      enableTLS = "false",
    } = trigger.metadata ?? {};
    if (listName === undefined) {
      problems.push(`${at}: listName is missing; ${PARTIAL_PATCH_HINT}`);
    } else {
      lists.add(listName);
      if (!keys.has(listName)) {
        problems.push(
          `${at}: list ${listName} is not one of ${[...keys].join(", ")} (SMS_QUEUE_PREFIX ${config.queuePrefix})`,
        );
      }
    }
    const length = Number(listLength ?? KEDA_DEFAULT_LIST_LENGTH);
    if (!Number.isInteger(length) || length < config.batchSize || length > config.concurrency) {
      const between = `between SMS_BATCH_SIZE (${config.batchSize}) and WORKER_CONCURRENCY (${config.concurrency})`;
      problems.push(
        listLength === undefined
          ? `${at}: listLength is missing, and KEDA's default ${KEDA_DEFAULT_LIST_LENGTH} is not ${between}`
          : `${at}: listLength ${listLength} is not ${between}`,
      );
    }
    if (!config.redisCluster && databaseIndex !== database) {
      problems.push(`${at}: databaseIndex ${databaseIndex}, REDIS_URL uses database ${database}`);
    }
    if ((enableTLS === "true") !== (redisUrl.protocol === "rediss:")) {
      problems.push(`${at}: enableTLS ${enableTLS} with a ${redisUrl.protocol} REDIS_URL`);
    }
    const auth = trigger.authenticationRef?.name;
    if (auth === undefined) {
      problems.push(`${at}: authenticationRef is missing; ${PARTIAL_PATCH_HINT}`);
    } else if (!findObject(objects, "TriggerAuthentication", auth)) {
      problems.push(`${at}: TriggerAuthentication ${auth} is not defined`);
    }
  }
  for (const [list, holds] of [
    ["wait", "the waiting jobs"],
    ["active", "the jobs workers hold"],
  ] as const) {
    const key = bullmqListKey(config.queuePrefix, list);
    if (!lists.has(key)) problems.push(`${where}: no trigger on ${holds} (${key})`);
  }
  return problems;
}

/**
 * Checks the autoscalers of a rendering: each workload has at most one (KEDA makes an HPA of
 * its own, and two HPAs on one Deployment fight over its replicas), its target exists and leaves
 * `replicas` to it, and a ScaledObject reads the worker's BullMQ lists for its configured
 * prefix, in its Redis database and with TLS as its `REDIS_URL` has them, with a target between
 * `SMS_BATCH_SIZE` and `WORKER_CONCURRENCY` and never scaling to zero.
 */
export function checkAutoscaling(
  objects: readonly KubernetesObject[],
  apps: readonly AppInstance[],
): string[] {
  const problems: string[] = [];
  const byTarget = new Map<string, string[]>();
  for (const { object, target } of autoscalers(objects)) {
    const names = byTarget.get(target) ?? [];
    names.push(`${object.kind} ${object.metadata.name}`);
    byTarget.set(target, names);
    const [kind = "", name = ""] = target.split("/");
    const workload = findObject(objects, kind, name);
    if (!workload) {
      problems.push(
        `${object.kind} ${object.metadata.name}: scales ${target}, which is not defined`,
      );
      continue;
    }
    if ((workload.spec as { replicas?: number }).replicas !== undefined) {
      problems.push(`${target}: sets replicas, which every apply would reset under its autoscaler`);
    }
    if (object.kind === "ScaledObject") {
      const worker = apps.find(
        (app) => app.workload.deployment === workload && app.config.app === "apps/worker",
      );
      problems.push(...checkTriggers(object, worker, objects));
    }
  }
  for (const [target, names] of byTarget) {
    if (names.length > 1) problems.push(`${target}: driven by ${names.join(" and ")} at once`);
  }
  return problems;
}
