import { checkAutoscaling } from "./check-autoscaling.js";
import type { CheckContext } from "./check-context.js";
import { checkWiring } from "./check-wiring.js";
import { type AppInstance, checkWorkloads } from "./check-workloads.js";
import type { KubernetesObject } from "./kubernetes-object.js";

/** Every problem the cross-checks find in a rendering, and the apps it runs. */
export interface RenderingReport {
  problems: string[];
  apps: AppInstance[];
}

/**
 * Runs every cross-check on a rendering: the workloads against the Dockerfile and the apps
 * (see `checkWorkloads`), the objects against each other (`checkWiring`), and the autoscalers
 * against the worker and BullMQ (`checkAutoscaling`).
 */
export async function checkRendering(
  objects: readonly KubernetesObject[],
  context: CheckContext,
): Promise<RenderingReport> {
  const { problems, apps } = await checkWorkloads(objects, context);
  problems.push(...checkWiring(objects, apps, context), ...checkAutoscaling(objects, apps));
  return { problems, apps };
}
