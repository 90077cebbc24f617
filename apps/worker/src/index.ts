export {
  type AcceptedParts,
  createAcceptedParts,
  furthestProgress,
  recordProgress,
} from "./accepted-parts.js";
export {
  type BackoffOptions,
  computeBackoffMs,
  createBackoffStrategy,
  SMS_BACKOFF_TYPE,
} from "./backoff.js";
export {
  createDeadLetterAction,
  createDeadLetterWriter,
  type DeadLetterAction,
  type DeadLetterInput,
  type DeadLetterWriter,
  MAX_INVALID_FIELD_LENGTH,
  toDeadLetterJobData,
} from "./dead-letter.js";
export {
  defaultConcurrency,
  LOG_LEVELS,
  type LogLevel,
  loadWorkerConfig,
  parseWorkerEnv,
  redactWorkerConfig,
  type WorkerConfig,
  WorkerConfigError,
  workerEnvSchema,
} from "./env.js";
export { SmsRetryableError } from "./errors.js";
export {
  type AttemptFacts,
  type DecisionConfig,
  type DeferCause,
  decideFailure,
  type FailureDecision,
  type FailureFacts,
  MIN_RATE_LIMIT_PAUSE_MS,
} from "./failure-decision.js";
export { handleSendFailure, type SendFailure } from "./handle-send-failure.js";
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
export {
  createReadiness,
  type KpnFault,
  type Readiness,
  type ReadinessReport,
} from "./readiness.js";
export { createSmsProcessor, type SmsProcessor } from "./sms-processor.js";
export {
  type RunningWorker,
  type StartWorkerOptions,
  startWorker,
  type WorkerKpnClient,
} from "./start-worker.js";
