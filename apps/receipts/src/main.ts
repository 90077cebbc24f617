import { createLogger, handleShutdownSignals, startTracing } from "@sms-relay/runtime";
import { parseReceiptsEnv, type ReceiptsConfig, ReceiptsConfigError } from "./env.js";
import { startReceipts } from "./start-receipts.js";

/** Time open requests get to finish on SIGTERM. */
const SHUTDOWN_GRACE_MS = 5000;

function readConfig(): ReceiptsConfig {
  try {
    return parseReceiptsEnv(process.env);
  } catch (error) {
    if (error instanceof ReceiptsConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
const logger = createLogger({ service: "sms-relay-receipts", level: config.logLevel });

try {
  const tracing = config.otelExporterEndpoint
    ? await startTracing({ serviceName: "sms-relay-receipts" })
    : undefined;
  const receipts = await startReceipts(config, logger);
  handleShutdownSignals({
    logger,
    graceMs: SHUTDOWN_GRACE_MS,
    close: async () => {
      await receipts.close();
      await tracing?.shutdown().catch(() => {});
    },
  });
} catch (error) {
  logger.error({ err: { message: (error as Error).message } }, "receipts failed to start");
  process.exit(1);
}
