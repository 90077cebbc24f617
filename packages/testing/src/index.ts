export { freePort } from "./free-port.js";
export {
  startRedisServer,
  startTestRedis,
  type TestRedis,
  type TestRedisOptions,
} from "./redis-server.js";
export { sleep, type WaitForOptions, waitFor } from "./wait-for.js";
