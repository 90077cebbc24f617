export {
  type AuthThrottle,
  type AuthThrottleOptions,
  createAuthThrottle,
} from "./auth-throttle.js";
export { type BasicAuthOptions, createBasicAuth } from "./basic-auth.js";
export { createDashboard, type Dashboard, type DashboardOptions } from "./create-dashboard.js";
export {
  type DeadLetterPageEntry,
  type DeadLetterPageModel,
  escapeHtml,
  renderDeadLetterPage,
} from "./dead-letter-page.js";
export { createDeadLetterRouter, type DeadLetterRouterOptions } from "./dead-letter-routes.js";
export {
  DashboardRequestError,
  type DeadLetterSelection,
  MAX_SELECTED_IDS,
  parseFormSelection,
  parseJsonSelection,
} from "./dead-letter-selection.js";
export { describeDelivery } from "./describe-delivery.js";
export {
  type DashboardConfig,
  DashboardConfigError,
  type DashboardCredentials,
  parseDashboardEnv,
} from "./env.js";
export { createJsonMasking } from "./mask-json-responses.js";
export { maskNumber, maskNumbersInText, maskPhoneNumbers } from "./mask-phone-numbers.js";
export {
  type DeliveryReader,
  MaskedBullMQAdapter,
  type MaskedBullMQAdapterOptions,
} from "./masked-bullmq-adapter.js";
export { createRetryGuards, type RetryGuardsOptions } from "./retry-guards.js";
export {
  createSameOriginGuard,
  isSameOrigin,
  type SameOriginGuardOptions,
} from "./same-origin-guard.js";
export {
  type RunningDashboard,
  type StartDashboardConfig,
  startDashboard,
} from "./start-dashboard.js";
export { createMaskedDataGuard, createReadOnlyGuard } from "./write-guards.js";
