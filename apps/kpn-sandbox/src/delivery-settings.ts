import { z } from "zod";
import { SandboxOptionsError } from "./errors.js";
import { describeIssues } from "./faults.js";
import type { ResolvedSandboxDeliveryReports } from "./types.js";

/** Defaults of every delivery report setting: all delivered, at once, no oddities. */
export const DEFAULT_DELIVERY_REPORTS = {
  enabled: true,
  keyId: "sandbox-key",
  secret: "sandbox-webhook-secret",
  delayMs: 0,
  failedShare: 0,
  expiredShare: 0,
  failedErrorCode: "101",
  pendingShare: 0,
  outOfOrderShare: 0,
  pendingStatus: 2,
  duplicateShare: 0,
  batch: false,
  timeScale: 1,
  attemptTimeoutMs: 5000,
  maxInFlight: 16,
  maxQueued: 10_000,
  seed: 1,
} as const satisfies ResolvedSandboxDeliveryReports;

const share = z.number().min(0).max(1);
const milliseconds = z.number().int().min(0).max(3_600_000);

/** Validates a `SandboxDeliveryReports` object, rejecting unknown keys. */
export const sandboxDeliveryReportsSchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    keyId: z.string().min(1).max(200).optional(),
    secret: z.string().min(1).optional(),
    delayMs: milliseconds.optional(),
    failedShare: share.optional(),
    expiredShare: share.optional(),
    failedErrorCode: z
      .string()
      .regex(/^\d{1,6}$/, "must be 1 to 6 digits")
      .refine((code) => !/^0+$/.test(code), "must not be all zeros: that code means no error")
      .optional(),
    pendingShare: share.optional(),
    outOfOrderShare: share.optional(),
    pendingStatus: z.union([z.literal(2), z.literal(3)]).optional(),
    duplicateShare: share.optional(),
    batch: z.boolean().optional(),
    timeScale: z.number().min(0).max(1000).optional(),
    attemptTimeoutMs: z.number().int().min(1).max(600_000).optional(),
    maxInFlight: z.number().int().min(1).max(10_000).optional(),
    maxQueued: z.number().int().min(1).max(10_000_000).optional(),
    seed: z.number().int().optional(),
  })
  .superRefine((settings, ctx) => {
    // Slack so that shares such as 0.3 + 0.7 are not refused for rounding.
    const pairs = [
      ["failedShare", "expiredShare"],
      ["pendingShare", "outOfOrderShare"],
    ] as const;
    for (const [first, second] of pairs) {
      const total = (settings[first] ?? 0) + (settings[second] ?? 0);
      if (total > 1 + 1e-9 && (settings[first] ?? 0) <= 1 && (settings[second] ?? 0) <= 1) {
        ctx.addIssue({
          code: "custom",
          path: [second],
          message: `${first} + ${second} add up to ${total}, more than 1`,
        });
      }
    }
  });

/**
 * Checks delivery report settings and fills in every default; `keyId` and `secret` left out
 * come from `keep` (the ones in force) when given.
 * @throws SandboxOptionsError (`code: "SANDBOX_INVALID_DELIVERY_REPORTS"`) naming the field.
 */
export function resolveDeliveryReports(
  settings: unknown,
  keep?: Pick<ResolvedSandboxDeliveryReports, "keyId" | "secret">,
): ResolvedSandboxDeliveryReports {
  const parsed = sandboxDeliveryReportsSchema.safeParse(settings ?? {});
  if (!parsed.success) {
    throw new SandboxOptionsError(
      "SANDBOX_INVALID_DELIVERY_REPORTS",
      `Invalid sandbox delivery reports: ${describeIssues(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  const resolved: Record<string, unknown> = { ...DEFAULT_DELIVERY_REPORTS, ...keep };
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value !== undefined) resolved[key] = value;
  }
  return resolved as ResolvedSandboxDeliveryReports;
}

/** The settings as the admin routes show them: everything but the secret. */
export function showDeliveryReports(
  settings: ResolvedSandboxDeliveryReports,
): Omit<ResolvedSandboxDeliveryReports, "secret"> {
  const { secret: _secret, ...shown } = settings;
  return shown;
}
