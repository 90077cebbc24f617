import { handleShutdownSignals } from "@sms-relay/runtime";
import { loadWorkerConfig, WorkerConfigError } from "./env.js";
import { createLogger } from "./logger.js";
import { startWorker } from "./start-worker.js";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadWorkerConfig>;
  try {
    config = loadWorkerConfig();
  } catch (error) {
    if (error instanceof WorkerConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(config.logLevel);
  const running = await startWorker({ config, logger });
  handleShutdownSignals({ logger, graceMs: config.shutdownGraceMs, close: () => running.close() });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sms worker failed to start: ${message}\n`);
  process.exit(1);
});
