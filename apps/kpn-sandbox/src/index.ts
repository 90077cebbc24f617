export { ADMIN_PREFIX } from "./admin-routes.js";
export { createSandbox, DEFAULT_SANDBOX_OPTIONS } from "./create-sandbox.js";
export { parseSandboxEnv, type SandboxEnv } from "./env.js";
export { type SandboxErrorCode, SandboxOptionsError } from "./errors.js";
export { DEFAULT_FAULTS, sandboxFaultsSchema } from "./faults.js";
export { SEND_PATHS } from "./send-route.js";
export { TOKEN_PATH } from "./token-route.js";
export type {
  KpnSandbox,
  ReceivedMessage,
  ReceivedSend,
  ResolvedSandboxFaults,
  SandboxFaults,
  SandboxOptions,
  SandboxRequest,
  SandboxStats,
} from "./types.js";
