import { createLogger, handleShutdownSignals } from "@sms-relay/runtime";
import { type DashboardConfig, parseDashboardEnv } from "./env.js";
import { startDashboard } from "./start-dashboard.js";

function readConfig(): DashboardConfig {
  try {
    return parseDashboardEnv(process.env);
  } catch (error) {
    process.stderr.write(`dashboard: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

/** Time open requests get to finish on SIGTERM. */
const SHUTDOWN_GRACE_MS = 5000;

const config = readConfig();
const logger = createLogger({ service: "sms-relay-dashboard", level: config.logLevel });

try {
  const dashboard = await startDashboard(config, logger);
  handleShutdownSignals({ logger, graceMs: SHUTDOWN_GRACE_MS, close: () => dashboard.close() });
} catch (error) {
  logger.error({ err: error }, "dashboard failed to start");
  process.exit(1);
}
