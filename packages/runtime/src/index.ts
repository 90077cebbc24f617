export { type AppRegistry, type AppRegistryOptions, createAppRegistry } from "./app-registry.js";
export {
  type DescribeEnvIssuesOptions,
  describeEnvIssues,
  type EnvIssuesDescription,
} from "./env-issues.js";
export {
  COMMON_ENV_DEFAULTS,
  flagSchema,
  integerSchema,
  LOG_LEVELS,
  type LogLevel,
  logLevelSchema,
  optionalIntegerSchema,
  queuePrefixSchema,
  redisUrlSchema,
  withoutEmpty,
} from "./env-pieces.js";
export { freePort, isAddressInUse, portIsFree } from "./free-port.js";
export { closeHttp, listenHttp } from "./http-server.js";
export { createLogThrottle, type LogThrottleOptions } from "./log-throttle.js";
export {
  createLogger,
  type LogFormat,
  type LoggerOptions,
  logFormatFor,
  REDACTED_LOG_PATHS,
} from "./logger.js";
export { readPackageVersion } from "./package-version.js";
export { redactUrl } from "./redact-url.js";
export { findOnPath, pingRedis, redisAnswers } from "./redis-probe.js";
export { settleWithin } from "./settle-within.js";
export {
  handleShutdownSignals,
  type ShutdownSignalOptions,
  signalExitCode,
} from "./shutdown-signals.js";
export { spanContextOfTraceparent, traceparentOf } from "./traceparent.js";
export { startTracing, type Tracing, type TracingOptions } from "./tracing.js";
