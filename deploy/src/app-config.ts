import { parseDashboardEnv } from "@sms-relay/dashboard";
import { DEFAULT_DELIVERY_REPORTS, parseSandboxEnv } from "@sms-relay/kpn-sandbox";
import { parseReceiptsEnv } from "@sms-relay/receipts";
import { parseWorkerEnv } from "@sms-relay/worker";
import { appFixedGraceMs } from "./app-sources.js";

/** What the checks need to know of an app's configuration, as the app itself parsed it. */
export interface AppConfig {
  /** `apps/worker`, … */
  app: string;
  /** The port it listens on (the worker: its health server). */
  port: number;
  /** The interface it binds. */
  host: string;
  /** Its BullMQ prefix, for the apps that use the queues. */
  prefix?: string;
  /** What it gives open work on SIGTERM before it closes. */
  graceMs: number;
  /** The whole configuration the app's own parser returned. */
  parsed: Record<string, unknown>;
}

type Parse = (env: Record<string, string>) => Omit<AppConfig, "app" | "graceMs"> & {
  graceMs?: number;
};

/** Each app's own parser of its environment, reduced to the fields the checks compare. */
const PARSERS: Readonly<Record<string, Parse>> = {
  "apps/worker": (env) => {
    const config = parseWorkerEnv(env);
    // startWorker's health server binds every interface unless told otherwise; main.ts doesn't.
    return {
      port: config.healthPort,
      host: "0.0.0.0",
      prefix: config.queuePrefix,
      graceMs: config.shutdownGraceMs,
      parsed: { ...config },
    };
  },
  "apps/receipts": (env) => {
    const config = parseReceiptsEnv(env);
    return { port: config.port, host: config.host, prefix: config.prefix, parsed: { ...config } };
  },
  "apps/dashboard": (env) => {
    const config = parseDashboardEnv(env);
    return { port: config.port, host: config.host, prefix: config.prefix, parsed: { ...config } };
  },
  "apps/kpn-sandbox": (env) => {
    const config = parseSandboxEnv(env);
    // The settings left unset take the sandbox's defaults, as createSandbox fills them in.
    const deliveryReports = { ...DEFAULT_DELIVERY_REPORTS, ...config.deliveryReports };
    return { port: config.port, host: config.host, parsed: { ...config, deliveryReports } };
  },
};

/** `true` for an app {@link parseAppConfig} knows. */
export function isKnownApp(app: string): boolean {
  return app in PARSERS;
}

/**
 * Parses an environment with the app's own parser (so a value the app would refuse at start
 * fails here, with the app's message) and returns what the checks compare.
 *
 * @throws the app's configuration error, or an Error for an app without a parser here.
 */
export async function parseAppConfig(app: string, env: Record<string, string>): Promise<AppConfig> {
  const parse = PARSERS[app];
  if (!parse) throw new Error(`no configuration parser for ${app}`);
  const { graceMs, ...config } = parse(env);
  const fixed = graceMs ?? (await appFixedGraceMs(app));
  if (fixed === undefined) throw new Error(`no shutdown grace time found for ${app}`);
  return { app, graceMs: fixed, ...config };
}
