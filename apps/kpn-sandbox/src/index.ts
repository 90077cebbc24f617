export { ADMIN_PREFIX } from "./admin-routes.js";
export { createSandbox, DEFAULT_SANDBOX_OPTIONS } from "./create-sandbox.js";
export { MAX_ATTEMPTS, RETRY_GAPS_SECONDS } from "./delivery-reporter.js";
export { DEFAULT_DELIVERY_REPORTS, sandboxDeliveryReportsSchema } from "./delivery-settings.js";
export { parseSandboxEnv, type SandboxEnv } from "./env.js";
export { type SandboxErrorCode, SandboxOptionsError } from "./errors.js";
export { DEFAULT_FAULTS, sandboxFaultsSchema } from "./faults.js";
export { SEND_PATHS } from "./send-route.js";
export { TOKEN_PATH } from "./token-route.js";
export type {
  DeliveryReportBody,
  DeliveryReportStats,
  KpnSandbox,
  ReceivedMessage,
  ReceivedSend,
  ReportAttempt,
  ReportOutcome,
  ReportState,
  ResolvedSandboxDeliveryReports,
  ResolvedSandboxFaults,
  SandboxDeliveryReports,
  SandboxFaults,
  SandboxOptions,
  SandboxRequest,
  SandboxStats,
  SentReport,
  SentReportFilter,
} from "./types.js";
