export { binaryOnPath } from "./binary-on-path.js";
export {
  type DockerEndpoint,
  type DockerEngineProbeOptions,
  dockerEndpoints,
  dockerEngineAnswers,
} from "./docker-engine.js";
export { freePort } from "./free-port.js";
export {
  checkMetrics,
  type MetricsCheck,
  type MetricsProblem,
  PromtoolMissingError,
  type PromtoolRun,
  requirePromtool,
  runPromtool,
  selectMetricFamilies,
} from "./promtool.js";
export {
  type ClusterKey,
  startRedisCluster,
  type TestRedisCluster,
  type TestRedisClusterNode,
  type TestRedisClusterOptions,
} from "./redis-cluster.js";
export { REDIS_IMAGE } from "./redis-container.js";
export {
  detectTestRedisSource,
  startRedisServer,
  startTestRedis,
  type TestRedis,
  type TestRedisOptions,
} from "./redis-server.js";
export {
  chooseTestRedisSource,
  TEST_REDIS_SOURCES,
  type TestRedisChoice,
  type TestRedisSource,
  type TestRedisSourceInputs,
  TestRedisUnavailableError,
} from "./test-redis-source.js";
export { sleep, type WaitForOptions, waitFor } from "./wait-for.js";
