export {
  type AuthThrottle,
  type AuthThrottleOptions,
  createAuthThrottle,
} from "./auth-throttle.js";
export { type BasicAuthOptions, createBasicAuth } from "./basic-auth.js";
export {
  BOARD_PAGE_HEADERS,
  createBoardPageRewrite,
  createFontAssets,
  FONTS_PATH,
  rewriteBoardPage,
} from "./board-page.js";
export { createDashboard, type Dashboard, type DashboardOptions } from "./create-dashboard.js";
export { noticeOf } from "./dead-letter-forms.js";
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
export {
  createErrorAnswers,
  describeRedis,
  type ErrorAnswer,
  isRedisDown,
  redisDownAnswer,
  sendErrorAnswer,
  wantsHtml,
} from "./error-answers.js";
export { BULL_BOARD_DATE_FORMAT, formatTime, timeHtml } from "./format-time.js";
export { createJsonMasking } from "./mask-json-responses.js";
export { maskNumber, maskNumbersInText, maskPhoneNumbers } from "./mask-phone-numbers.js";
export {
  type DeliveryReader,
  MaskedBullMQAdapter,
  type MaskedBullMQAdapterOptions,
} from "./masked-bullmq-adapter.js";
export { NAV_LINKS, type NavId, renderNav, renderPage } from "./page-layout.js";
export { createRedisGate, type RedisGateOptions } from "./redis-gate.js";
export { createRetryGuards, type RetryGuardsOptions } from "./retry-guards.js";
export {
  createSameOriginGuard,
  isSameOrigin,
  type SameOriginGuardOptions,
} from "./same-origin-guard.js";
export {
  lookupSms,
  MAX_QUERY_LENGTH,
  type SearchMatch,
  type SmsDeadLetter,
  type SmsDetails,
  type SmsLookupDeps,
  type SmsParts,
  type SmsSearchResult,
  searchSms,
} from "./sms-lookup.js";
export { createSmsRouter, type SmsRouterOptions } from "./sms-routes.js";
export {
  type RunningDashboard,
  type StartDashboardConfig,
  startDashboard,
} from "./start-dashboard.js";
export { createMaskedDataGuard, createReadOnlyGuard } from "./write-guards.js";
