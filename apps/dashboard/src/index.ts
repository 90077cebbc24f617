export { type BasicAuthOptions, createBasicAuth } from "./basic-auth.js";
export { createDashboard, type Dashboard, type DashboardOptions } from "./create-dashboard.js";
export {
  type DashboardConfig,
  DashboardConfigError,
  type DashboardCredentials,
  parseDashboardEnv,
} from "./env.js";
export { maskNumber, maskNumbersInText, maskPhoneNumbers } from "./mask-phone-numbers.js";
export { MaskedBullMQAdapter } from "./masked-bullmq-adapter.js";
export {
  type RunningDashboard,
  type StartDashboardConfig,
  startDashboard,
} from "./start-dashboard.js";
export { createMaskedDataGuard, createReadOnlyGuard } from "./write-guards.js";
