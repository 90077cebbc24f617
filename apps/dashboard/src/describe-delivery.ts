import type { SmsDelivery } from "@sms-relay/producer";

/**
 * One line for a delivery state, as `sms-relay status` writes it: `delivery: failed (code 104,
 * 2025-01-01T10:00:09.000Z)`, or `delivery: unknown` before any report.
 */
export function describeDelivery(delivery: SmsDelivery): string {
  const detail = [delivery.code ? `code ${delivery.code}` : "", delivery.reportedAt ?? ""]
    .filter(Boolean)
    .join(", ");
  return `delivery: ${detail ? `${delivery.state} (${detail})` : delivery.state}`;
}
