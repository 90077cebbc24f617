import { readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";
import { ManifestError } from "./kubernetes-object.js";

/**
 * The documents of a YAML file, as plain values; empty documents (a lone `---`) are skipped.
 * Read as YAML 1.1, as kubectl reads manifests, so that an unquoted `yes`, `no`, `on` or `off`
 * becomes the boolean the API server would see (and a ConfigMap value refuses). Duplicate keys
 * and anything else the parser warns about fail, naming the file and line, since the API server
 * would either refuse them or keep only one of two values.
 */
export async function readYamlDocuments(file: string): Promise<unknown[]> {
  const text = await readFile(file, "utf8");
  return parseYamlDocuments(text, file);
}

/** {@link readYamlDocuments} for text already read; `source` names it in errors. */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const values: unknown[] = [];
  for (const document of parseAllDocuments(text, { uniqueKeys: true, version: "1.1" })) {
    const problem = document.errors[0] ?? document.warnings[0];
    if (problem) throw new ManifestError(`${source}: ${problem.message.split("\n")[0]}`);
    const value = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}
