import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.js";

/** One build stage of the Dockerfile, as `docker build --target NAME` gives it. */
export interface DockerfileTarget {
  name: string;
  /** `ENV` of the stage and the stages it is built `FROM`, later ones winning. */
  env: Record<string, string>;
  /** `apps/<app>` whose `dist/main.js` the stage's `CMD` or `ENTRYPOINT` runs, if any. */
  app?: string;
}

/** Joins continued lines and drops comments, one instruction a line. */
function instructions(text: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    // Docker drops comment and empty lines, inside a continued instruction too.
    if (line === "" || line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push(current + line);
    current = "";
  }
  if (current) lines.push(current);
  return lines;
}

/** `KEY=VALUE` pairs of an `ENV` instruction (values without spaces, as ours are). */
function envPairs(rest: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const [, key, value] of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
    pairs[key!] = value!.replace(/^"|"$/g, "");
  }
  return pairs;
}

/**
 * The build targets of a Dockerfile's text: each stage named with `FROM … AS name`, with the
 * environment it inherits and sets, and the app its command starts.
 */
export function parseDockerfile(text: string): Map<string, DockerfileTarget> {
  const targets = new Map<string, DockerfileTarget>();
  let stage: DockerfileTarget | undefined;
  for (const line of instructions(text)) {
    const [instruction = "", ...words] = line.split(/\s+/);
    const rest = line.slice(instruction.length).trim();
    switch (instruction.toUpperCase()) {
      case "FROM": {
        const as = words.findIndex((word) => word.toUpperCase() === "AS");
        const from = targets.get(words[0] ?? "");
        const name = as === -1 ? "" : (words[as + 1] ?? "");
        stage = { name, env: { ...from?.env }, ...(from?.app ? { app: from.app } : {}) };
        if (name) targets.set(name, stage);
        break;
      }
      case "ENV":
        if (stage) Object.assign(stage.env, envPairs(rest));
        break;
      case "CMD":
      case "ENTRYPOINT": {
        const app = /"(apps\/[^/"]+)\/dist\/main\.js"/.exec(rest)?.[1];
        if (stage && app) stage.app = app;
        break;
      }
    }
  }
  return targets;
}

/** {@link parseDockerfile} of the repository's `Dockerfile`. */
export async function readDockerfileTargets(): Promise<Map<string, DockerfileTarget>> {
  return parseDockerfile(await readFile(join(REPO_ROOT, "Dockerfile"), "utf8"));
}

/** The prefix of every image built from the Dockerfile: `sms-relay-<target>`. */
export const IMAGE_PREFIX = "sms-relay-";

/**
 * The Dockerfile target an image was built from, by its repository's last path segment
 * (`registry.example.com/sms-relay-worker:0.1.0` → `worker`), or `undefined` for an image that
 * is not ours.
 */
export function imageTarget(image: string): string | undefined {
  const withoutDigest = image.split("@")[0]!;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
  const repository = lastSegment.split(":")[0]!;
  return repository.startsWith(IMAGE_PREFIX) ? repository.slice(IMAGE_PREFIX.length) : undefined;
}
