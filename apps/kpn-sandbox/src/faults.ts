import { z } from "zod";
import { SandboxOptionsError } from "./errors.js";
import type { ResolvedSandboxFaults, SandboxFaults } from "./types.js";

/** Defaults of every fault: none injected. */
export const DEFAULT_FAULTS = {
  latencyMs: 0,
  latencyJitterMs: 0,
  rate429: 0,
  retryAfterSeconds: 1,
  retryAfterShare: 1,
  rate500: 0,
  rate502: 0,
  rate503: 0,
  rate500Sent: 0,
  rateReset: 0,
  rateResetAfterSend: 0,
  rateHang: 0,
  rateHangAfterSend: 0,
  hangMs: 30_000,
  rateAuthFault: 0,
  authFaultStatus: 401,
  tokenTtlSeconds: 3599,
  tokenErrorRate: 0,
  seed: 1,
} as const satisfies ResolvedSandboxFaults;

/**
 * The send faults in the order one random draw is laid over them (see {@link SandboxFaults}).
 * Each is what happens to a send whose draw falls in its band.
 */
export const SEND_FAULT_ORDER = [
  ["rateHang", "hang"],
  ["rateReset", "reset"],
  ["rate429", "429"],
  ["rate503", "503"],
  ["rate502", "502"],
  ["rate500", "500"],
  ["rateAuthFault", "authFault"],
  ["rate500Sent", "500AfterSend"],
  ["rateResetAfterSend", "resetAfterSend"],
  ["rateHangAfterSend", "hangAfterSend"],
] as const satisfies ReadonlyArray<readonly [keyof SandboxFaults, string]>;

/** What the fault draw decided for one send. */
export type SendFault = (typeof SEND_FAULT_ORDER)[number][1] | "none";

const share = z.number().min(0).max(1);
const milliseconds = z.number().int().min(0).max(3_600_000);

/** Validates a {@link SandboxFaults} object, rejecting unknown keys. */
export const sandboxFaultsSchema = z
  .strictObject({
    latencyMs: milliseconds.optional(),
    latencyJitterMs: milliseconds.optional(),
    rate429: share.optional(),
    retryAfterSeconds: z.number().int().min(0).nullable().optional(),
    retryAfterShare: share.optional(),
    rate500: share.optional(),
    rate502: share.optional(),
    rate503: share.optional(),
    rate500Sent: share.optional(),
    rateReset: share.optional(),
    rateResetAfterSend: share.optional(),
    rateHang: share.optional(),
    rateHangAfterSend: share.optional(),
    hangMs: milliseconds.optional(),
    rateAuthFault: share.optional(),
    authFaultStatus: z.union([z.literal(401), z.literal(500)]).optional(),
    tokenTtlSeconds: z.number().int().min(0).optional(),
    tokenErrorRate: share.optional(),
    seed: z.number().int().optional(),
  })
  .superRefine((faults, ctx) => {
    // A share above 1 is already reported on its own field.
    if (SEND_FAULT_ORDER.some(([key]) => (faults[key] ?? 0) > 1)) return;
    const total = SEND_FAULT_ORDER.reduce((sum, [key]) => sum + (faults[key] ?? 0), 0);
    // A little slack so that shares such as 0.1 + 0.2 + 0.7 are not refused for rounding.
    if (total > 1 + 1e-9) {
      const named = SEND_FAULT_ORDER.filter(([key]) => (faults[key] ?? 0) > 0).map(([key]) => key);
      ctx.addIssue({
        code: "custom",
        path: [named[named.length - 1] ?? "rate429"],
        message: `the send fault shares (${named.join(", ")}) add up to ${total}, more than 1`,
      });
    }
  });

/** Formats zod issues as one line naming each field: `rate429: Too big: expected …`. */
export function describeIssues(error: z.ZodError, prefix = ""): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      const keys = "keys" in issue && Array.isArray(issue.keys) ? issue.keys.join(", ") : "";
      const field = [prefix, path || keys].filter(Boolean).join(".");
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/**
 * Checks faults and fills in every default.
 * @throws SandboxOptionsError (`code: "SANDBOX_INVALID_FAULTS"`) naming the bad field.
 */
export function resolveFaults(faults: unknown): ResolvedSandboxFaults {
  const parsed = sandboxFaultsSchema.safeParse(faults ?? {});
  if (!parsed.success) {
    throw new SandboxOptionsError(
      "SANDBOX_INVALID_FAULTS",
      `Invalid sandbox faults: ${describeIssues(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  const resolved: Record<string, unknown> = { ...DEFAULT_FAULTS };
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value !== undefined) resolved[key] = value;
  }
  return resolved as ResolvedSandboxFaults;
}

/** Picks the send fault for one uniform draw in [0, 1). */
export function pickSendFault(faults: ResolvedSandboxFaults, draw: number): SendFault {
  let upper = 0;
  for (const [key, fault] of SEND_FAULT_ORDER) {
    const rate = faults[key];
    if (rate <= 0) continue;
    upper += rate;
    if (draw < upper) return fault;
  }
  return "none";
}
