import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Answers whether an executable of this name is on PATH (or is an executable path itself). */
export async function binaryOnPath(
  name: string,
  env: Record<string, string | undefined> = process.env,
): Promise<boolean> {
  if (name.includes("/")) return await isExecutableFile(name);
  const dirs = (env.PATH ?? "").split(delimiter).filter(Boolean);
  const found = await Promise.all(dirs.map((dir) => isExecutableFile(join(dir, name))));
  return found.includes(true);
}
