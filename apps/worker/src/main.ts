import { handleShutdownSignals, startTracing } from "@sms-relay/runtime";
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
  // Before the worker, so that its first spans have somewhere to go.
  const tracing = config.otelExporterEndpoint
    ? await startTracing({ serviceName: "sms-relay-worker" })
    : undefined;
  if (tracing)
    logger.info({ endpoint: config.otelExporterEndpoint }, "traces: exporting over OTLP");
  const running = await startWorker({ config, logger });
  handleShutdownSignals({
    logger,
    graceMs: config.shutdownGraceMs,
    close: async () => {
      await running.close();
      // The last spans (the jobs that just finished) go out before the process exits.
      await tracing?.shutdown().catch(() => {});
    },
  });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sms worker failed to start: ${message}\n`);
  process.exit(1);
});
