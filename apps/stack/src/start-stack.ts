import { parseDashboardEnv, startDashboard } from "@sms-relay/dashboard";
import { PRODUCER_DEFAULTS } from "@sms-relay/producer";
import { parseReceiptsEnv, startReceipts } from "@sms-relay/receipts";
import { isAddressInUse, settleWithin } from "@sms-relay/runtime";
import { parseWorkerEnv, startWorker } from "@sms-relay/worker";
import type { Logger } from "pino";
import { resolveDashboardCredentials } from "./dashboard-credentials.js";
import type { StackEnv } from "./env.js";
import { type RedisResolverDeps, resolveRedis } from "./resolve-redis.js";
import { type StackSandbox, startStackSandbox } from "./start-sandbox.js";

/** The longest wait for the dashboard, the sandbox or the Redis child to stop. */
const PART_CLOSE_MS = 2000;

/** Options of {@link startStack}. */
export interface StackOptions {
  env: StackEnv;
  /** Repository root: `.data/` goes under it. */
  repoRoot: string;
  logger: Logger;
  /** How Redis is looked for and started. */
  redisDeps: RedisResolverDeps;
}

/** The running local stack. */
export interface RunningStack {
  readonly redisUrl: string;
  /** The KPN API the worker sends to: the real one, or the in-process sandbox. */
  readonly kpnBaseUrl: string;
  readonly sandbox: boolean;
  readonly dashboardUrl: string;
  readonly healthUrl: string;
  /** Where the receipts app takes delivery reports (`…/kpn/dlr`), when it runs. */
  readonly receiptsUrl?: string;
  /** How long {@link RunningStack.close} may take: the worker's `SHUTDOWN_GRACE_MS` and a moment for each other part. */
  readonly shutdownGraceMs: number;
  /**
   * The parts this stack started, in the order {@link RunningStack.close} stops them:
   * `dashboard`, `worker`, then `receipts`, `kpn-sandbox` and `redis` where it started them
   * (a Redis it found or was given is not its to stop).
   */
  readonly parts: readonly string[];
  /** Closes the dashboard, the worker (within its grace time), receipts, the sandbox, then its Redis child. */
  close(): Promise<void>;
}

/**
 * Starts Redis (found or started), the KPN sandbox unless real credentials are set, the receipts
 * app (in sandbox mode, or with `KPN_WEBHOOK_KEYS`), the worker and the dashboard, announcing each
 * choice in a log line of its own. What started is closed again if a later part fails.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const { env, repoRoot, logger } = options;
  const closers: { name: string; close: () => Promise<void>; withinMs: number }[] = [];
  const closeAll = async () => {
    for (const { name, close, withinMs } of closers.reverse()) {
      // Each part gets its own time, so that one stuck on a Redis that is gone cannot keep the
      // others (and the Redis child) from stopping.
      const outcome = await settleWithin(close(), withinMs);
      if (outcome !== "done") {
        const reason = outcome === "timeout" ? `did not stop within ${withinMs} ms` : outcome;
        logger.warn({ part: name, reason }, "close failed");
      }
    }
    closers.length = 0;
  };

  try {
    const redis = await resolveRedis({
      ...(env.redisUrl ? { redisUrl: env.redisUrl } : {}),
      repoRoot,
      logger,
      deps: options.redisDeps,
    });
    if (redis.source === "child") {
      closers.push({ name: "redis", close: () => redis.stop(), withinMs: PART_CLOSE_MS });
    }

    let sandbox: StackSandbox | undefined;
    const workerVariables: Record<string, string | undefined> = {
      ...env.variables,
      REDIS_URL: redis.url,
    };
    if (env.kpnCredentials) {
      logger.info(
        { kpn: env.variables.KPN_BASE_URL ?? PRODUCER_DEFAULTS.kpnBaseUrl },
        "kpn: sending through the real KPN API (KPN_CLIENT_ID and KPN_CLIENT_SECRET are set)",
      );
    } else {
      sandbox = await startStackSandbox({
        variables: env.variables,
        ...(env.kpnMaxContentLength ? { maxContentLength: env.kpnMaxContentLength } : {}),
        logger: logger.child({ component: "kpn-sandbox" }),
      });
      closers.push({
        name: "kpn-sandbox",
        close: () => sandbox?.close() ?? Promise.resolve(),
        withinMs: PART_CLOSE_MS,
      });
      Object.assign(workerVariables, {
        KPN_BASE_URL: sandbox.url,
        KPN_CLIENT_ID: sandbox.clientId,
        KPN_CLIENT_SECRET: sandbox.clientSecret,
        KPN_MAX_CONTENT_LENGTH: String(sandbox.maxContentLength),
      });
      logger.warn(
        { kpn: sandbox.url, sandbox: true, maxContentLength: sandbox.maxContentLength },
        `SANDBOX MODE: KPN_CLIENT_ID/KPN_CLIENT_SECRET are not set, so SMS go to the in-process KPN sandbox at ${sandbox.url} and never reach a phone`,
      );
    }

    // The receipts app takes KPN's delivery reports. In sandbox mode it verifies the sandbox's
    // key and the worker asks for reports there; with the real API it runs when KPN_WEBHOOK_KEYS
    // is set, and SMS_DLR_URL (the address KPN can reach) is the operator's to give.
    let receiptsUrl: string | undefined;
    const webhookKeys = sandbox
      ? `${sandbox.webhookKey.keyId}:${sandbox.webhookKey.secret}`
      : env.variables.KPN_WEBHOOK_KEYS;
    if (webhookKeys) {
      const receiptsConfig = parseReceiptsEnv({
        ...env.variables,
        REDIS_URL: redis.url,
        KPN_WEBHOOK_KEYS: webhookKeys,
        RECEIPTS_HOST: env.variables.RECEIPTS_HOST ?? "127.0.0.1",
      });
      const receiptsLogger = logger.child({ component: "receipts" });
      const receipts = await startReceipts(receiptsConfig, receiptsLogger).catch(
        async (error: unknown) => {
          if (!isAddressInUse(error) || !sandbox) throw error;
          logger.info(
            { port: receiptsConfig.port },
            `receipts: port ${receiptsConfig.port} is taken, using a free port`,
          );
          return await startReceipts({ ...receiptsConfig, port: 0 }, receiptsLogger);
        },
      );
      closers.push({ name: "receipts", close: () => receipts.close(), withinMs: PART_CLOSE_MS });
      receiptsUrl = `${receipts.url}/kpn/dlr`;
      if (sandbox) workerVariables.SMS_DLR_URL = receiptsUrl;
      logger.info(
        { receipts: receiptsUrl, dlr: workerVariables.SMS_DLR_URL ?? null },
        sandbox
          ? `receipts: delivery reports from the sandbox go to ${receiptsUrl}`
          : `receipts: taking delivery reports at ${receiptsUrl}; SMS_DLR_URL must be where KPN reaches it`,
      );
    } else {
      logger.info(
        "receipts: not started (KPN_WEBHOOK_KEYS is not set), so no delivery reports are asked for",
      );
    }

    const workerConfig = parseWorkerEnv(workerVariables);
    const worker = await startWorker({
      config: workerConfig,
      logger: logger.child({ component: "worker" }),
      healthHost: "127.0.0.1",
    });
    closers.push({
      name: "worker",
      close: () => worker.close(),
      withinMs: workerConfig.shutdownGraceMs + PART_CLOSE_MS,
    });

    const dashboardVariables = {
      ...env.variables,
      ...(await resolveDashboardCredentials({ env, repoRoot, logger })),
      REDIS_URL: redis.url,
      // The dashboard counts the parts of unsent SMS as the worker will send them.
      KPN_MAX_CONTENT_LENGTH: workerVariables.KPN_MAX_CONTENT_LENGTH,
    };
    const dashboardLogger = logger.child({ component: "dashboard" });
    const dashboard = await startDashboard(parseDashboardEnv(dashboardVariables), dashboardLogger);
    closers.push({ name: "dashboard", close: () => dashboard.close(), withinMs: PART_CLOSE_MS });

    logger.info(
      { dashboard: dashboard.url, health: worker.healthUrl },
      `sms-relay is running: dashboard ${dashboard.url}, worker health ${worker.healthUrl}/healthz`,
    );
    return {
      redisUrl: redis.url,
      kpnBaseUrl: workerVariables.KPN_BASE_URL ?? PRODUCER_DEFAULTS.kpnBaseUrl,
      sandbox: sandbox !== undefined,
      dashboardUrl: dashboard.url,
      healthUrl: worker.healthUrl,
      ...(receiptsUrl ? { receiptsUrl } : {}),
      shutdownGraceMs: workerConfig.shutdownGraceMs + 4 * PART_CLOSE_MS,
      parts: closers.map(({ name }) => name).reverse(),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
