import { constants } from "node:os";
import { loadWorkerConfig, WorkerConfigError } from "./env.js";
import { createLogger } from "./logger.js";
import { startWorker } from "./start-worker.js";

/** Exit code when a second signal cuts the graceful shutdown short: 128 + the signal number, as shells report it. */
function forcedExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 1);
}

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

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(
        { signal },
        "second signal: exiting at once, jobs in flight come back via stalled-job recovery",
      );
      process.exit(forcedExitCode(signal));
    }
    stopping = true;
    logger.info({ signal }, "signal received: shutting down");
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: { message: String(error) } }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sms worker failed to start: ${message}\n`);
  process.exit(1);
});
