import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createDashboard } from "./create-dashboard.js";
import type { DashboardConfig } from "./env.js";

/** A listening dashboard. */
export interface RunningDashboard {
  /** `http://HOST:PORT/` (with the real port when `port` was 0). */
  readonly url: string;
  /** Stops accepting connections, ends open ones, closes the queues. */
  close(): Promise<void>;
}

/** The config fields {@link startDashboard} needs; `logLevel` is the caller's business. */
export type StartDashboardConfig = Pick<
  DashboardConfig,
  "port" | "host" | "auth" | "readOnly" | "redisUrl" | "prefix"
> &
  Partial<Pick<DashboardConfig, "trustProxy" | "maxContentLength">>;

/**
 * Builds the dashboard from a config (see `parseDashboardEnv`) and listens on it. Logs a warning
 * when authentication is off, and one line with the URL once listening.
 */
export async function startDashboard(
  config: StartDashboardConfig,
  logger: Logger,
): Promise<RunningDashboard> {
  if (config.auth === false) {
    logger.warn(
      "dashboard authentication is OFF (DASHBOARD_AUTH=off): anyone who can reach the port can see and change the queues",
    );
  }
  const dashboard = createDashboard({
    connection: config.redisUrl,
    prefix: config.prefix,
    auth: config.auth,
    readOnly: config.readOnly,
    trustProxy: config.trustProxy ?? false,
    ...(config.maxContentLength ? { maxContentLength: config.maxContentLength } : {}),
    logger,
  });
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const listening = dashboard.app.listen(config.port, config.host, (error?: Error) =>
        error ? reject(error) : resolve(listening),
      );
    });
  } catch (error) {
    await dashboard.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}/`;
  logger.info(
    { url, readOnly: config.readOnly, auth: config.auth !== false, prefix: config.prefix },
    "dashboard listening",
  );
  return {
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dashboard.close();
    },
  };
}
