import { pino } from "pino";
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

const config = readConfig();
const logger = pino({ name: "dashboard", level: config.logLevel });

try {
  const dashboard = await startDashboard(config, logger);
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "dashboard stopping");
    dashboard.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "dashboard did not close cleanly");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
} catch (error) {
  logger.error({ err: error }, "dashboard failed to start");
  process.exit(1);
}
