import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { appEnvNames, shutdownMarginMs } from "./app-sources.js";
import { type DockerfileTarget, readDockerfileTargets } from "./dockerfile-targets.js";
import type { KubernetesObject } from "./kubernetes-object.js";
import { REPO_ROOT } from "./paths.js";
import { readExampleSecrets } from "./pod-env.js";

/** What the manifests are checked against, read once from the repository. */
export interface CheckContext {
  /** The Dockerfile's build targets by name. */
  targets: Map<string, DockerfileTarget>;
  /** The variables each app reads, by `apps/<app>`. */
  envNames: Map<string, Set<string>>;
  /** The Secrets of `secrets.example.yaml`. */
  exampleSecrets: KubernetesObject[];
  /** The shutdown handler's closing time after an app's grace time. */
  marginMs: number;
  /** Images from elsewhere that the manifests may run: the Redis of docker-compose.yml. */
  externalImages: Set<string>;
}

/** Reads the {@link CheckContext} of this repository. */
export async function loadCheckContext(): Promise<CheckContext> {
  const targets = await readDockerfileTargets();
  const envNames = new Map<string, Set<string>>();
  for (const target of targets.values()) {
    if (target.app && !envNames.has(target.app)) {
      envNames.set(target.app, await appEnvNames(target.app));
    }
  }
  const compose = parse(await readFile(join(REPO_ROOT, "docker-compose.yml"), "utf8")) as {
    services: Record<string, { image?: string }>;
  };
  const redisImage = compose.services.redis?.image;
  return {
    targets,
    envNames,
    exampleSecrets: await readExampleSecrets(),
    marginMs: await shutdownMarginMs(),
    externalImages: new Set(redisImage ? [redisImage] : []),
  };
}
