import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { workerEnvSchema } from "@sms-relay/worker";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findRepoRoot } from "../src/index.js";

const root = findRepoRoot();
const read = (name: string) => readFileSync(join(root, name), "utf8");

/**
 * The worker's variables as the public contract names them, and OTEL_EXPORTER_OTLP_ENDPOINT,
 * which the README documents beside them.
 */
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
  "SMS_BATCH_SIZE",
  "SMS_BATCH_WAIT_MS",
  "SMS_MAX_ATTEMPTS",
  "SMS_BACKOFF_MS",
  "SMS_BACKOFF_MAX_MS",
  "SMS_KEEP_COMPLETED_SECONDS",
  "HEALTH_PORT",
  "SHUTDOWN_GRACE_MS",
  "LOG_LEVEL",
  "SMS_DLR_URL",
  "SMS_CALLBACK_SECRET",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
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
  "DASHBOARD_TRUST_PROXY",
  "KPN_MAX_CONTENT_LENGTH",
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

  it("has redis, worker, dashboard, the kpn-sandbox under the sandbox profile, and monitoring", () => {
    expect(Object.keys(services).sort()).toEqual([
      "dashboard",
      "grafana",
      "kpn-sandbox",
      "prometheus",
      "receipts",
      "redis",
      "worker",
    ]);
    expect(services["kpn-sandbox"]?.profiles).toEqual(["sandbox"]);
    expect(services.prometheus?.profiles).toEqual(["monitoring"]);
    expect(services.grafana?.profiles).toEqual(["monitoring"]);
    for (const name of ["redis", "worker", "receipts", "dashboard"]) {
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

  it("publishes a fixed host port only from services of one container", () => {
    // Docker binds a published host port once: a second replica of the service fails to start.
    // `[ip:]host:container`, defaults of `${VAR:-default}` taken; a range `8090-8091` is not fixed.
    const hostPort = (entry: string) =>
      entry
        .replace(/\$\{[^}:]*:?-([^}]*)\}/g, "$1")
        .split(":")
        .slice(0, -1)
        .at(-1);
    expect(hostPort(services.receipts?.ports?.[0] ?? "")).toBe("8090");
    expect(hostPort("9464")).toBeUndefined();
    for (const [name, service] of Object.entries(services)) {
      const fixed = (service.ports ?? [])
        .map(hostPort)
        .filter((port) => port && !port.includes("-"));
      if (fixed.length > 0) expect(service.deploy?.replicas ?? 1, name).toBe(1);
    }
  });

  it("runs one receipts app on a loopback port, for a TLS proxy on the host to forward to", () => {
    const receipts = services.receipts;
    expect(receipts?.deploy?.replicas ?? 1).toBe(1);
    expect(receipts?.ports).toHaveLength(1);
    expect(receipts?.ports?.[0]).toMatch(/^127\.0\.0\.1:\$\{RECEIPTS_PORT:-8090\}:8090$/);
    expect(receipts?.environment?.RECEIPTS_PORT).toBe(8090);
    expect(receipts?.environment?.RECEIPTS_HOST).toBe("0.0.0.0");
    expect(receipts?.depends_on?.redis?.condition).toBe("service_healthy");
    expect(receipts?.build?.target).toBe("receipts");
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

describe("the monitoring profile of docker-compose.yml", () => {
  const { services, volumes } = loadCompose("docker-compose.yml");
  const prometheus = services.prometheus;
  const grafana = services.grafana;
  /** `host:container[:ro]` mounts of a service, with the host side resolved in the repository. */
  const mounts = (service: Service | undefined) =>
    (service?.volumes ?? []).map((entry) => {
      const [source = "", target = ""] = entry.split(":");
      return { source, target, bind: source.startsWith("./") };
    });
  const hostPathOf = (service: Service | undefined, target: string) => {
    const mount = mounts(service).find((m) => m.bind && m.target === target);
    if (!mount) throw new Error(`nothing is mounted at ${target}`);
    return mount.source;
  };
  const readYaml = <T>(path: string) => parse(read(path)) as T;

  it("runs pinned Prometheus and Grafana images, on loopback ports, with named volumes", () => {
    expect(prometheus?.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(grafana?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(prometheus?.ports?.[0]).toMatch(/^127\.0\.0\.1:\$\{PROMETHEUS_PORT:-9090\}:9090$/);
    expect(grafana?.ports?.[0]).toMatch(/^127\.0\.0\.1:\$\{GRAFANA_PORT:-3001\}:3000$/);
    for (const service of [prometheus, grafana]) {
      for (const mount of mounts(service).filter((m) => !m.bind)) {
        expect(volumes, mount.source).toHaveProperty(mount.source);
      }
    }
    expect(grafana?.depends_on?.prometheus?.condition).toBe("service_healthy");
  });

  it("mounts provisioning files that exist in the repository, read-only", () => {
    const binds = [...mounts(prometheus), ...mounts(grafana)].filter((m) => m.bind);
    expect(binds.length).toBe(3);
    for (const bind of binds) expect(existsSync(join(root, bind.source)), bind.source).toBe(true);
    for (const entry of [...(prometheus?.volumes ?? []), ...(grafana?.volumes ?? [])]) {
      if (entry.startsWith("./")) expect(entry, entry).toMatch(/:ro$/);
    }
    const configDir = hostPathOf(prometheus, "/etc/prometheus");
    expect(prometheus?.command).toContain("--config.file=/etc/prometheus/prometheus.yml");
    const config = readYaml<{ rule_files: string[] }>(join(configDir, "prometheus.yml"));
    for (const file of config.rule_files) {
      expect(existsSync(join(root, configDir, file)), file).toBe(true);
    }
  });

  it("scrapes every worker and receipts replica on the ports they listen on", () => {
    const config = readYaml<{
      scrape_configs: {
        job_name: string;
        dns_sd_configs?: { names: string[]; type: string; port: number }[];
      }[];
    }>(join(hostPathOf(prometheus, "/etc/prometheus"), "prometheus.yml"));
    const job = (name: string) => config.scrape_configs.find((c) => c.job_name === name);
    expect(job("sms-worker")?.dns_sd_configs?.[0]).toMatchObject({ names: ["worker"], type: "A" });
    expect(job("sms-worker")?.dns_sd_configs?.[0]?.port).toBe(
      services.worker?.environment?.HEALTH_PORT,
    );
    expect(job("sms-receipts")?.dns_sd_configs?.[0]).toMatchObject({ names: ["receipts"] });
    expect(job("sms-receipts")?.dns_sd_configs?.[0]?.port).toBe(
      services.receipts?.environment?.RECEIPTS_PORT,
    );
  });

  it("gives Grafana the Prometheus data source and the dashboards, under the uid they use", () => {
    const provisioning = hostPathOf(grafana, "/etc/grafana/provisioning");
    const dashboardsDir = hostPathOf(grafana, "/var/lib/grafana/dashboards");
    const { datasources } = readYaml<{ datasources: { uid: string; url: string }[] }>(
      join(provisioning, "datasources", "prometheus.yml"),
    );
    expect(datasources[0]?.url).toBe("http://prometheus:9090");
    const { providers } = readYaml<{ providers: { options: { path: string } }[] }>(
      join(provisioning, "dashboards", "sms-relay.yml"),
    );
    expect(providers[0]?.options.path).toBe("/var/lib/grafana/dashboards");
    const home = String(grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH);
    expect(home.startsWith("/var/lib/grafana/dashboards/")).toBe(true);
    const dashboard = JSON.parse(
      read(join(dashboardsDir, home.slice("/var/lib/grafana/dashboards/".length))),
    ) as { panels: { datasource?: { uid: string } }[] };
    const uids = new Set(dashboard.panels.flatMap((p) => (p.datasource ? [p.datasource.uid] : [])));
    expect([...uids]).toEqual([datasources[0]?.uid]);
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
