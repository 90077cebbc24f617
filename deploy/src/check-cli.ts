import { resolve } from "node:path";
import { stringify } from "yaml";
import { loadCheckContext } from "./check-context.js";
import { checkRendering } from "./check-rendering.js";
import { renderKustomization } from "./render-kustomization.js";
import { validateObjects } from "./validate-objects.js";

const USAGE = "usage: check [--print] KUSTOMIZATION_DIR…";

/**
 * `pnpm --filter @sms-relay/deploy check DIR…`: renders each kustomization directory as the
 * tests render the shipped ones, validates every object against the Kubernetes and KEDA schemas
 * and runs the cross-checks against this repository's apps. Prints one line per problem and
 * exits 1 if there is any; `--print` writes the rendered YAML to stdout instead of the summary.
 */
async function main(args: string[]): Promise<number> {
  const print = args.includes("--print");
  const dirs = args.filter((arg) => arg !== "--print");
  if (dirs.length === 0 || dirs.some((dir) => dir.startsWith("-"))) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // pnpm runs the script in deploy/; paths are meant from where the command was typed.
  const base = process.env.INIT_CWD ?? process.cwd();
  const context = await loadCheckContext();
  let failed = false;
  for (const dir of dirs) {
    const path = resolve(base, dir);
    let problems: string[];
    let count = 0;
    try {
      const objects = await renderKustomization(path, base);
      count = objects.length;
      problems = [
        ...validateObjects(objects),
        ...(await checkRendering(objects, context)).problems,
      ];
      if (print && problems.length === 0) {
        process.stdout.write(objects.map((object) => stringify(object)).join("---\n"));
      }
    } catch (error) {
      problems = [(error as Error).message];
    }
    for (const problem of problems) process.stderr.write(`${dir}: ${problem}\n`);
    if (problems.length > 0) failed = true;
    else if (!print) process.stdout.write(`${dir}: ${count} objects, no problems\n`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`check failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
