import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../src/paths.js";

/** The part of a Compose service the checks read. */
export interface ComposeService {
  build?: { context: string; target?: string };
  environment?: Record<string, string | number | boolean | null>;
  deploy?: { replicas?: number };
  ports?: string[];
  profiles?: string[];
}

/** The part of a Compose file the checks read. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
}

// Compose's `!reset` tag: resets a value in an override file.
const resetTag = { tag: "!reset", resolve: () => null, collection: "seq" as const };

/** A Compose file of the repository root, YAML merge keys (`<<: *app`) resolved. */
export function readComposeFile(name: string): ComposeFile {
  const text = readFileSync(join(REPO_ROOT, name), "utf8");
  return parse(text, { merge: true, customTags: [resetTag] }) as ComposeFile;
}

/** The leading comment block of a Compose file of the repository root, `#` marks removed. */
export function readComposeHeader(name: string): string {
  const lines = readFileSync(join(REPO_ROOT, name), "utf8").split("\n");
  const header = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith("#")),
  );
  return header.map((line) => line.replace(/^# ?/, "")).join("\n");
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mergeValue(base: unknown, override: unknown): unknown {
  if (isMapping(base) && isMapping(override)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) out[key] = mergeValue(base[key], value);
    return out;
  }
  return override;
}

/**
 * `docker compose -f base -f override`: mappings (services, `environment`, `depends_on`) merge
 * key by key, anything else in the override replaces what the base has; enough for our files.
 */
export function mergeComposeFiles(base: ComposeFile, override: ComposeFile): ComposeFile {
  return mergeValue(base, override) as ComposeFile;
}

/** A `${…}` reference in a Compose value: the variable and what happens when it is unset. */
export interface ComposeReference {
  name: string;
  /** `:-`, `-`, `:?`, `?`, `:+`, `+`, or `""` for a plain `${NAME}` / `$NAME`. */
  operator: string;
  /** The default, error message or alternative after the operator. */
  argument: string;
}

const REFERENCE =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a Compose value refers to. */
export function composeReferences(value: string): ComposeReference[] {
  const references: ComposeReference[] = [];
  for (const match of value.matchAll(REFERENCE)) {
    if (match[0] === "$$") continue;
    const name = match[1] ?? match[4] ?? "";
    references.push({ name, operator: match[2] ?? "", argument: match[3] ?? "" });
  }
  return references;
}

/** Thrown by {@link interpolate} for a `${NAME:?message}` whose variable is missing. */
export class MissingComposeVariableError extends Error {
  override readonly name = "MissingComposeVariableError";
  readonly code = "COMPOSE_VARIABLE_MISSING";
}

/**
 * A Compose value as `docker compose` interpolates it from the shell environment and `.env`
 * (`env`): `$$` is a `$`, `${NAME:-default}` the default when NAME is unset or empty,
 * `${NAME-default}` only when unset, `${NAME:?message}` fails, `${NAME:+alt}` alt when set.
 */
export function interpolate(value: string, env: Readonly<Record<string, string>>): string {
  return value.replace(REFERENCE, (whole, braced?: string, operator = "", argument = "", bare?) => {
    if (whole === "$$") return "$";
    const name: string = braced ?? bare ?? "";
    const given = env[name];
    const empty = given === undefined || (operator.startsWith(":") && given === "");
    switch (operator.replace(":", "")) {
      case "-":
        return empty ? argument : (given ?? "");
      case "?":
        if (empty) throw new MissingComposeVariableError(`required variable ${name}: ${argument}`);
        return given ?? "";
      case "+":
        return empty ? "" : argument;
      default:
        return given ?? "";
    }
  });
}

/** A service's `environment` as its container gets it, interpolated from `env`. */
export function containerEnvironment(
  service: ComposeService,
  env: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value ?? ""), env),
    ]),
  );
}
