import { trace } from "@opentelemetry/api";
import { createLogThrottle, redactUrl } from "@sms-relay/runtime";
import type { Logger } from "pino";
import { createReceiptsServer } from "./create-server.js";
import type { ReceiptsConfig } from "./env.js";
import type { ReceiptsMetrics } from "./metrics.js";
import { createReceiptsRedis } from "./redis-connection.js";

/** A listening receipts app. */
export interface RunningReceipts {
  /** `http://HOST:PORT` (with the real port when `port` was 0). */
  readonly url: string;
  readonly metrics: ReceiptsMetrics;
  /** Stops accepting requests, lets open ones finish, closes Redis. */
  close(): Promise<void>;
}

/**
 * Builds the receipts app from a config (see `parseReceiptsEnv`) and listens. Logs one warning
 * when signatures are not verified, and one line with the URL (never a key or a password).
 */
export async function startReceipts(
  config: Omit<ReceiptsConfig, "logLevel">,
  logger: Logger,
): Promise<RunningReceipts> {
  if (config.keys === false) {
    logger.warn(
      "webhook signatures are NOT verified (RECEIPTS_VERIFY=off): anyone who can reach the port can change delivery states",
    );
  }
  const redis = createReceiptsRedis({ url: config.redisUrl, cluster: config.redisCluster });
  const throttle = createLogThrottle({ intervalMs: 10_000 });
  redis.on("error", (error: Error) =>
    throttle("redis-error", (suppressed) =>
      logger.warn({ err: { message: error.message }, suppressed }, "Redis connection error"),
    ),
  );
  const receipts = createReceiptsServer({
    redis,
    prefix: config.prefix,
    keys: config.keys,
    logger,
    // The global API: the SDK `main` started (or a test's, or the stack's).
    ...(config.otelExporterEndpoint ? { tracer: trace.getTracer("sms-relay-receipts") } : {}),
  });
  let url: string;
  try {
    url = await receipts.listen(config.port, config.host);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  logger.info(
    {
      url,
      redis: redactUrl(config.redisUrl),
      prefix: config.prefix,
      verify: config.keys !== false,
      keyIds: config.keys === false ? [] : config.keys.map((key) => key.id),
    },
    "receipts listening",
  );
  return {
    url,
    metrics: receipts.metrics,
    async close() {
      await receipts.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
