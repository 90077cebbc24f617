export {
  createReceiptsServer,
  type ReceiptsServer,
  type ReceiptsServerOptions,
} from "./create-server.js";
export {
  parseReceiptsEnv,
  type ReceiptsConfig,
  ReceiptsConfigError,
  receiptsEnvSchema,
} from "./env.js";
export {
  createReceiptsMetrics,
  type ReceiptsMetrics,
  type ReceiptsMetricsOptions,
  type RefusalCause,
} from "./metrics.js";
export { type ParsedReports, parseDeliveryReports, ReportBodyError } from "./parse-reports.js";
export { BodyTooLargeError, MAX_BODY_BYTES, readBody } from "./read-body.js";
export { createReceiptsRedis, type ReceiptsRedisOptions } from "./redis-connection.js";
export { type RunningReceipts, startReceipts } from "./start-receipts.js";
export {
  ANY_KEY_ID,
  parseWebhookKeys,
  signatureMatches,
  signWebhookBody,
  type WebhookKey,
} from "./webhook-keys.js";
