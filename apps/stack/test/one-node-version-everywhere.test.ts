import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findRepoRoot } from "../src/index.js";

const root = findRepoRoot();
const read = (path: string) => readFileSync(join(root, path), "utf8");

describe("the Node version", () => {
  it("is one major in .nvmrc, @types/node, every package's engines and the Dockerfile", () => {
    const major = read(".nvmrc").trim().replace(/^v/, "").split(".")[0];
    expect(major).toMatch(/^\d+$/);

    const catalog = parse(read("pnpm-workspace.yaml")).catalog as Record<string, string>;
    expect(catalog["@types/node"]).toMatch(new RegExp(`^\\^${major}\\.`));

    const packages = [
      "package.json",
      ...parse(read("pnpm-workspace.yaml")).packages.flatMap((glob: string) =>
        glob.endsWith("/*")
          ? readdir(glob.slice(0, -2)).map((name) => `${glob.slice(0, -2)}/${name}/package.json`)
          : [`${glob}/package.json`],
      ),
    ];
    for (const path of packages) {
      const engines = JSON.parse(read(path)).engines?.node as string | undefined;
      expect(engines, path).toMatch(new RegExp(`^>=${major}\\.\\d+\\.\\d+$`));
    }

    const image = read("Dockerfile").match(/^ARG NODE_IMAGE=node:(\d+)-/m)?.[1];
    expect(image).toBe(major);
  });
});

function readdir(dir: string): string[] {
  return readdirSync(join(root, dir)).filter((name) =>
    existsSync(join(root, dir, name, "package.json")),
  );
}
