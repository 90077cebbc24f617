export {
  DASHBOARD_PASSWORD_FILE,
  GENERATED_DASHBOARD_USER,
  resolveDashboardCredentials,
} from "./dashboard-credentials.js";
export { parseStackEnv, StackConfigError, type StackEnv } from "./env.js";
export { type RedisChild, type RedisChildOptions, startRedisChild } from "./redis-child.js";
export { findRepoRoot } from "./repo-root.js";
export {
  type RedisResolverDeps,
  type RedisSource,
  RedisUnavailableError,
  type ResolvedRedis,
  type ResolveRedisOptions,
  resolveRedis,
} from "./resolve-redis.js";
export { type StackSandbox, startStackSandbox } from "./start-sandbox.js";
export { type RunningStack, type StackOptions, startStack } from "./start-stack.js";
