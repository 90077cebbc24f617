import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { readPackageVersion } from "./package-version.js";

/** Options of {@link createAppRegistry}. */
export interface AppRegistryOptions {
  /** A registry to add to; without one, a new one with prom-client's default Node metrics. */
  registry?: Registry | undefined;
  /** How the build-info help text names the app ("the worker", "the receipts app"). */
  app: string;
  /** The app's own `package.json`, whose version labels `sms_relay_build_info`. */
  packageJson: URL;
}

/** An app's registry with its `sms_relay_build_info` gauge set. */
export interface AppRegistry {
  registry: Registry;
  /** Always 1, labelled with the app's `version` and the `node` version. */
  buildInfo: Gauge<"version" | "node">;
}

/**
 * The registry an app serves on `/metrics`: prom-client's default process metrics (unless a
 * registry is given) and `sms_relay_build_info`, which every app exposes the same way, so that
 * one query finds the version of every replica.
 */
export function createAppRegistry(options: AppRegistryOptions): AppRegistry {
  let registry = options.registry;
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  const buildInfo = new Gauge({
    name: "sms_relay_build_info",
    help: `Always 1; its labels name ${options.app}'s version and the Node.js version it runs on`,
    labelNames: ["version", "node"],
    registers: [registry],
  });
  buildInfo.set({ version: readPackageVersion(options.packageJson), node: process.version }, 1);
  return { registry, buildInfo };
}
