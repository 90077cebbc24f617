import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { workerEnvSchema } from "@sms-relay/worker";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findRepoRoot } from "../src/index.js";

const root = findRepoRoot();
const read = (name: string) => readFileSync(join(root, name), "utf8");

/** The worker's variables as the public contract names them. */
const CONTRACT_WORKER_VARIABLES = [
  "REDIS_URL",
  "REDIS_CLUSTER",
  "SMS_QUEUE_PREFIX",
  "KPN_BASE_URL",
  "KPN_SEND_PATH",
  "KPN_CLIENT_ID",
  "KPN_CLIENT_SECRET",
  "KPN_MAX_CONTENT_LENGTH",
  "KPN_TIMEOUT_MS",
  "SMS_DEFAULT_SENDER",
  "SMS_MAX_SEGMENTS",
  "WORKER_CONCURRENCY",
  "SMS_RATE_LIMIT_PER_SECOND",
  "SMS_MAX_ATTEMPTS",
  "SMS_BACKOFF_MS",
  "SMS_BACKOFF_MAX_MS",
  "SMS_KEEP_COMPLETED_SECONDS",
  "HEALTH_PORT",
  "SHUTDOWN_GRACE_MS",
  "LOG_LEVEL",
  "SMS_DLR_URL",
];
const DASHBOARD_VARIABLES = [
  "REDIS_URL",
  "SMS_QUEUE_PREFIX",
  "DASHBOARD_HOST",
  "DASHBOARD_PORT",
  "DASHBOARD_USER",
  "DASHBOARD_PASSWORD",
  "DASHBOARD_AUTH",
  "DASHBOARD_READ_ONLY",
  "LOG_LEVEL",
];

interface Service {
  build?: { context: string; target?: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// Compose's `!reset` tag: resets a value in an override file.
const resetTag = { tag: "!reset", resolve: () => null, collection: "seq" as const };
function loadCompose(name: string): Compose {
  return parse(read(name), { merge: true, customTags: [resetTag] }) as Compose;
}

describe("docker-compose.yml", () => {
  const compose = loadCompose("docker-compose.yml");
  const { services } = compose;

  it("has redis, worker, dashboard and the kpn-sandbox under the sandbox profile", () => {
    expect(Object.keys(services).sort()).toEqual([
      "dashboard",
      "kpn-sandbox",
      "receipts",
      "redis",
      "worker",
    ]);
    expect(services["kpn-sandbox"]?.profiles).toEqual(["sandbox"]);
    for (const name of ["redis", "worker", "dashboard"]) {
      expect(services[name]?.profiles, name).toBeUndefined();
    }
  });

  it("gives every service a health check", () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test?.[0], name).toBe("CMD");
    }
    expect(services.redis?.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
  });

  it("runs Redis with the append-only file on a named volume", () => {
    const redis = services.redis;
    expect(redis?.command?.join(" ")).toMatch(/--appendonly yes/);
    expect(redis?.command?.join(" ")).toMatch(/--maxmemory-policy noeviction/);
    expect(redis?.volumes).toContain("redis-data:/data");
    expect(compose.volumes).toHaveProperty("redis-data");
  });

  it("runs two workers once Redis is healthy, built from the worker target", () => {
    const worker = services.worker;
    expect(worker?.deploy?.replicas).toBe(2);
    expect(worker?.depends_on?.redis?.condition).toBe("service_healthy");
    expect(worker?.build?.target).toBe("worker");
    expect(worker?.environment?.REDIS_URL).toBe("redis://redis:6379");
  });

  it("sets only worker variables that the contract names and the worker reads", () => {
    const names = Object.keys(services.worker?.environment ?? {});
    expect(names.length).toBeGreaterThan(10);
    const readByWorker = Object.keys(workerEnvSchema.shape);
    for (const name of names) {
      expect(CONTRACT_WORKER_VARIABLES, name).toContain(name);
      expect(readByWorker, name).toContain(name);
    }
    // Secrets come from the environment or .env, never from the file itself.
    expect(services.worker?.environment?.KPN_CLIENT_SECRET).toMatch(/^\$\{KPN_CLIENT_SECRET\b/);
  });

  it("serves the dashboard on 3000 with basic auth variables and Redis healthy first", () => {
    const dashboard = services.dashboard;
    const environment = dashboard?.environment ?? {};
    for (const name of Object.keys(environment)) expect(DASHBOARD_VARIABLES, name).toContain(name);
    expect(environment).toHaveProperty("DASHBOARD_USER");
    expect(environment).toHaveProperty("DASHBOARD_PASSWORD");
    expect(environment.DASHBOARD_HOST).toBe("0.0.0.0");
    expect(dashboard?.ports?.[0]).toMatch(/:3000$/);
    expect(dashboard?.depends_on?.redis?.condition).toBe("service_healthy");
    expect(dashboard?.build?.target).toBe("dashboard");
  });

  it("points the workers at the sandbox in the sandbox override", () => {
    const override = loadCompose("docker-compose.sandbox.yml").services;
    expect(override.worker?.environment?.KPN_BASE_URL).toBe("http://kpn-sandbox:8085");
    expect(override.worker?.depends_on?.["kpn-sandbox"]?.condition).toBe("service_healthy");
    expect(Object.keys(override.worker?.environment ?? {})).toEqual(
      expect.arrayContaining(["KPN_CLIENT_ID", "KPN_CLIENT_SECRET"]),
    );
    expect(services["kpn-sandbox"]?.environment?.SANDBOX_PORT).toBe(8085);
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const instructions = dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));

  it("copies only paths that exist in the repository", () => {
    const sources = instructions
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
      .flatMap((line) => {
        const parts = line
          .split(/\s+/)
          .slice(1)
          .filter((part) => !part.startsWith("--"));
        return parts.slice(0, -1);
      });
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
    }
  });

  it("has a target per app whose entry point is built by that app", () => {
    const targets = Object.fromEntries(
      instructions
        .map((line) => /^FROM \S+ AS (\S+)$/i.exec(line)?.[1])
        .filter((name): name is string => name !== undefined)
        .map((name) => [name, true]),
    );
    for (const target of ["worker", "dashboard", "receipts", "kpn-sandbox", "cli"]) {
      expect(targets, target).toHaveProperty(target);
    }
    const entryPoints = [...dockerfile.matchAll(/"(apps\/[\w-]+)\/dist\/main\.js"/g)].map(
      (match) => match[1] ?? "",
    );
    expect(entryPoints.sort()).toEqual(
      ["apps/cli", "apps/dashboard", "apps/kpn-sandbox", "apps/receipts", "apps/worker"].sort(),
    );
    for (const app of entryPoints) {
      expect(existsSync(join(root, app, "src", "main.ts")), app).toBe(true);
    }
  });

  it("ends with the worker, run as a non-root user", () => {
    const lastFrom = instructions.filter((line) => line.startsWith("FROM ")).at(-1);
    expect(lastFrom).toMatch(/ AS worker$/);
    expect(instructions.at(-1)).toBe('CMD ["node", "apps/worker/dist/main.js"]');
    expect(instructions).toContain("USER node");
    expect(dockerfile).toMatch(/turbo prune \$\{APPS\} --docker/);
    expect(dockerfile).toContain(`pnpm@\${PNPM_VERSION}`);
    const packageManager = (JSON.parse(read("package.json")) as { packageManager: string })
      .packageManager;
    expect(dockerfile).toContain(`ARG PNPM_VERSION=${packageManager.split("@")[1]}`);
  });

  it("keeps installs, builds, local data and secrets out of the build context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const entry of ["**/node_modules", "**/dist", ".data", ".env", ".git"]) {
      expect(ignored, entry).toContain(entry);
    }
  });
});
