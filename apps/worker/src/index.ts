export {
  type BackoffOptions,
  computeBackoffMs,
  createBackoffStrategy,
  SMS_BACKOFF_TYPE,
} from "./backoff.js";
export { classifySendFailure } from "./classify-failure.js";
export {
  createDeadLetterWriter,
  type DeadLetterInput,
  type DeadLetterWriter,
  toDeadLetterJobData,
} from "./dead-letter.js";
export {
  LOG_LEVELS,
  type LogLevel,
  loadWorkerConfig,
  parseWorkerEnv,
  redactWorkerConfig,
  type WorkerConfig,
  WorkerConfigError,
  workerEnvSchema,
} from "./env.js";
export { isKpnFailure, type KpnFailure, SmsRetryableError } from "./errors.js";
export {
  createHealthServer,
  type HealthServer,
  type HealthServerOptions,
} from "./health-server.js";
export { createLogger } from "./logger.js";
export { createWorkerMetrics, type WorkerMetrics, type WorkerMetricsOptions } from "./metrics.js";
export {
  MAX_MESSAGES_PER_REQUEST,
  type ProcessorState,
  type ProcessSmsConfig,
  type ProcessSmsDeps,
  processSms,
  type SmsJobLike,
  type SmsSender,
} from "./process-sms.js";
export {
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
  RateLimitWaitAbortedError,
} from "./rate-limiter.js";
export { createReadiness, type Readiness, type ReadinessReport } from "./readiness.js";
export { createSmsProcessor, type SmsProcessor } from "./sms-processor.js";
export {
  type RunningWorker,
  type StartWorkerOptions,
  startWorker,
  type WorkerKpnClient,
} from "./start-worker.js";
