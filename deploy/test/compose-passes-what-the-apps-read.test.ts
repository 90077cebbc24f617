import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAppConfig } from "../src/app-config.js";
import { appEnvNames } from "../src/app-sources.js";
import { readDockerfileTargets } from "../src/dockerfile-targets.js";
import { REPO_ROOT } from "../src/paths.js";
import {
  type ComposeFile,
  type ComposeService,
  composeReferences,
  containerEnvironment,
  mergeComposeFiles,
  readComposeFile,
  readComposeHeader,
} from "./support/compose.js";

/**
 * Variables an app reads that docker-compose.yml does not pass on purpose, and why. Everything
 * else an app reads must be in its service's `environment`, so that an operator can set it in
 * `.env` as the app's README says.
 */
const NOT_PASSED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "apps/worker": {
    REDIS_CLUSTER: "compose runs one plain Redis of its own, which REDIS_URL names",
    SMS_CALLBACK_BACKOFF_MS:
      "a setting for tests: the contract wants the first callback retry within 30 s",
  },
  "apps/receipts": {
    REDIS_CLUSTER: "compose runs one plain Redis of its own, which REDIS_URL names",
    RECEIPTS_VERIFY: "the address KPN reaches always checks signatures",
  },
  "apps/dashboard": {},
  "apps/kpn-sandbox": {
    SANDBOX_WEBHOOK_KEY_ID: "docker-compose.sandbox.yml gives receipts the sandbox's own key",
    SANDBOX_WEBHOOK_SECRET: "docker-compose.sandbox.yml gives receipts the sandbox's own key",
  },
};

/** Variables a service takes from `.env` under another name, and that name. */
const RENAMED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "kpn-sandbox": { SANDBOX_MAX_CONTENT_LENGTH: "KPN_MAX_CONTENT_LENGTH" },
};

/** What an operator puts in `.env` at the least for `docker compose up -d` on the real API. */
const OPERATOR_ENV: Readonly<Record<string, string>> = {
  KPN_CLIENT_ID: "client-id",
  KPN_CLIENT_SECRET: "client-secret",
  KPN_WEBHOOK_KEYS: "key-1:webhook-secret-of-key-1",
  DASHBOARD_USER: "ops",
  DASHBOARD_PASSWORD: "a-long-dashboard-password",
};

const compose = readComposeFile("docker-compose.yml");
const sandboxCompose = mergeComposeFiles(compose, readComposeFile("docker-compose.sandbox.yml"));
const targets = await readDockerfileTargets();

/** The services built from a Dockerfile target that runs an app, with that app and target. */
function appServices(file: ComposeFile) {
  return Object.entries(file.services).flatMap(([name, service]) => {
    const target = service.build?.target ? targets.get(service.build.target) : undefined;
    return target?.app ? [{ name, service, app: target.app, imageEnv: target.env }] : [];
  });
}

/** The service with every `${NAME:-default}` turned into `${NAME:-}`: no default of its own. */
function withoutDefaults(service: ComposeService): ComposeService {
  const environment = Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      String(value ?? "").replace(/\$\{([A-Za-z_][A-Za-z0-9_]*):-[^}]*\}/g, "$${$1:-}"),
    ]),
  );
  return { ...service, environment };
}

/** What the app parses when its container starts: the image's ENV under the service's. */
async function parsedConfig(
  app: string,
  imageEnv: Record<string, string>,
  service: ComposeService,
  env: Readonly<Record<string, string>>,
) {
  const config = await parseAppConfig(app, { ...imageEnv, ...containerEnvironment(service, env) });
  return config.parsed;
}

/** The text of a section of the root README, from its `## ` heading to the next. */
function readmeSection(heading: string): string {
  const text = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const start = text.indexOf(`\n## ${heading}\n`);
  expect(start, `README.md has a section "${heading}"`).toBeGreaterThan(-1);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

describe("docker-compose.yml, against the variables the apps read", () => {
  const services = appServices(compose);

  it("runs the worker, receipts, the dashboard and the kpn-sandbox from their targets", () => {
    expect(services.map((s) => `${s.name}=${s.app}`).sort()).toEqual([
      "dashboard=apps/dashboard",
      "kpn-sandbox=apps/kpn-sandbox",
      "receipts=apps/receipts",
      "worker=apps/worker",
    ]);
  });

  it("sets only variables each app reads", async () => {
    for (const { name, service, app } of services) {
      const read = await appEnvNames(app);
      for (const variable of Object.keys(service.environment ?? {})) {
        expect(read.has(variable), `${name} sets ${variable}, which ${app} does not read`).toBe(
          true,
        );
      }
    }
  });

  it("passes every other variable the apps read from .env, under its own name", async () => {
    for (const { name, service, app } of services) {
      const environment = service.environment ?? {};
      const skipped = NOT_PASSED[app] ?? {};
      for (const variable of await appEnvNames(app)) {
        if (variable in skipped) {
          expect(environment, `${name} sets ${variable}, listed as not passed`).not.toHaveProperty(
            variable,
          );
          continue;
        }
        expect(environment, `${name} does not pass ${variable}, which ${app} reads`).toHaveProperty(
          variable,
        );
      }
      for (const [variable, value] of Object.entries(environment)) {
        const references = composeReferences(String(value ?? ""));
        if (references.length === 0) continue;
        const expected = RENAMED[name]?.[variable] ?? variable;
        expect(
          references.map((r) => r.name),
          `${name}: ${variable}`,
        ).toEqual([expected]);
      }
    }
  });

  it("adds no default of its own: unset variables leave the apps' defaults", async () => {
    // A compose default that differs from the app's (WORKER_CONCURRENCY 50 against
    // max(50, 8 × SMS_BATCH_SIZE)) would change what the app runs with; one that is the same
    // changes nothing and may stay.
    for (const env of [OPERATOR_ENV, { ...OPERATOR_ENV, SMS_BATCH_SIZE: "25" }]) {
      for (const { name, service, app, imageEnv } of services) {
        const withCompose = await parsedConfig(app, imageEnv, service, env);
        const withApp = await parsedConfig(app, imageEnv, withoutDefaults(service), env);
        expect(withCompose, `${name}: a default of docker-compose.yml`).toEqual(withApp);
      }
    }
    const worker = services.find((s) => s.name === "worker");
    const config = await parsedConfig("apps/worker", {}, worker?.service ?? {}, OPERATOR_ENV);
    expect(config).toMatchObject({ batchSize: 200, concurrency: 1600 });
  });

  it("names every variable the apps cannot start without, in its header and the README", async () => {
    const header = readComposeHeader("docker-compose.yml");
    const production = readmeSection("Running in production");
    const required = new Set<string>();
    for (const { service, app, imageEnv } of services) {
      if (service.profiles?.length) continue;
      // Starts with the operator's .env: the list below is all an operator must set.
      await parsedConfig(app, imageEnv, service, OPERATOR_ENV);
      for (const variable of Object.keys(OPERATOR_ENV)) {
        const { [variable]: _, ...without } = OPERATOR_ENV;
        const refused = await parsedConfig(app, imageEnv, service, without).then(
          () => false,
          () => true,
        );
        if (refused) required.add(variable);
      }
    }
    expect([...required].sort()).toEqual(Object.keys(OPERATOR_ENV).sort());
    for (const variable of required) {
      expect(header, `the header of docker-compose.yml names ${variable}`).toContain(variable);
      expect(production, `README "Running in production" names ${variable}`).toContain(variable);
    }
    // Not required to start, but without it KPN is asked for no delivery report.
    expect(header).toContain("SMS_DLR_URL");
    expect(production).toContain("SMS_DLR_URL");
  });
});

describe("docker-compose.yml with docker-compose.sandbox.yml", () => {
  const services = appServices(sandboxCompose);
  const env = { DASHBOARD_USER: "ops", DASHBOARD_PASSWORD: "a-long-dashboard-password" };
  const configOf = async (name: string) => {
    const found = services.find((s) => s.name === name);
    if (!found) throw new Error(`no service ${name}`);
    return parsedConfig(found.app, found.imageEnv, found.service, env);
  };

  it("starts every app with only the dashboard login set", async () => {
    for (const { name } of services) await expect(configOf(name), name).resolves.toBeDefined();
  });

  it("gives the worker the sandbox's credentials and receipts the sandbox's signing key", async () => {
    const worker = (await configOf("worker")) as { kpnClientId: string; kpnClientSecret: string };
    const sandbox = (await configOf("kpn-sandbox")) as {
      clientId: string;
      clientSecret: string;
      deliveryReports: { keyId: string; secret: string };
    };
    const receipts = (await configOf("receipts")) as { keys: { id: string; secret: string }[] };
    expect([worker.kpnClientId, worker.kpnClientSecret]).toEqual([
      sandbox.clientId,
      sandbox.clientSecret,
    ]);
    expect(receipts.keys).toContainEqual(
      expect.objectContaining({
        id: sandbox.deliveryReports.keyId,
        secret: sandbox.deliveryReports.secret,
      }),
    );
  });
});
