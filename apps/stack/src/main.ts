import {
  createLogger,
  findOnPath,
  freePort,
  handleShutdownSignals,
  logFormatFor,
  portIsFree,
  redisAnswers,
  startTracing,
} from "@sms-relay/runtime";
import { parseStackEnv, type StackEnv } from "./env.js";
import { startRedisChild } from "./redis-child.js";
import { findRepoRoot } from "./repo-root.js";
import { startStack } from "./start-stack.js";

function readEnv(): StackEnv {
  try {
    return parseStackEnv(process.env);
  } catch (error) {
    process.stderr.write(`sms-relay: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

const env = readEnv();
// Readable lines at a terminal, JSON when stdout is a pipe or a file.
const logger = createLogger({
  service: "sms-relay",
  level: env.logLevel,
  format: logFormatFor(process.stdout),
});

try {
  // One SDK for the parts in this process: the worker and receipts app trace when it is set.
  const tracing = env.otelExporterEndpoint
    ? await startTracing({ serviceName: "sms-relay" })
    : undefined;
  if (tracing) logger.info("traces: exporting over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT is set)");
  const stack = await startStack({
    env,
    repoRoot: findRepoRoot(),
    logger,
    redisDeps: {
      answers: (url) => redisAnswers(url),
      findBinary: () => findOnPath("redis-server", env.variables.PATH ?? ""),
      portIsFree: (port) => portIsFree(port),
      freePort: () => freePort(),
      startChild: startRedisChild,
    },
  });
  handleShutdownSignals({
    logger,
    graceMs: stack.shutdownGraceMs,
    close: () => {
      logger.info({ parts: stack.parts }, `stopping: ${stack.parts.join(", ")}`);
      return stack.close().then(() => tracing?.shutdown().catch(() => {}));
    },
  });
} catch (error) {
  const { message, code } = error as { message?: string; code?: string };
  logger.fatal({ code }, `sms-relay could not start: ${message ?? String(error)}`);
  process.exit(1);
}
