/** Stable codes of {@link SandboxOptionsError}. */
export type SandboxErrorCode =
  | "SANDBOX_INVALID_OPTIONS"
  | "SANDBOX_INVALID_FAULTS"
  | "SANDBOX_INVALID_DELIVERY_REPORTS"
  | "SANDBOX_INVALID_ENV"
  | "SANDBOX_REPORTS_NOT_SETTLED"
  | "SANDBOX_NOT_LISTENING";

/**
 * Thrown for bad options, faults or environment, and for using the sandbox before it listens.
 * Check it by `code`, not `instanceof`.
 */
export class SandboxOptionsError extends Error {
  override readonly name = "SandboxOptionsError";
  /** Stable code of the failure. */
  readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
