import { escapeHtml } from "./escape-html.js";

/**
 * One way of writing a moment on every page of the dashboard: `2025-01-01 10:00:05 UTC`, to the
 * second, in UTC, so that what two operators read out to each other is the same text wherever
 * their browsers are. Anything that is not a valid moment comes back as it is (`""` for none).
 *
 * @example
 * formatTime("2025-01-01T10:00:05.123Z"); // "2025-01-01 10:00:05 UTC"
 * formatTime(1735725605123);              // the same
 */
export function formatTime(value: string | number | Date | undefined | null): string {
  if (value === undefined || value === null || value === "") return "";
  const at = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(at.getTime())) return String(value);
  return `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** {@link formatTime} as an HTML `<time>` element whose `datetime` keeps the exact ISO value. */
export function timeHtml(value: string | number | Date | undefined | null): string {
  const shown = formatTime(value);
  if (!shown || value === undefined || value === null) return "";
  const at = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(at.getTime())) return escapeHtml(shown);
  return `<time datetime="${at.toISOString()}">${escapeHtml(shown)}</time>`;
}

/**
 * bull-board's own date formats, set to the same parts: the date and a 24-hour time to the second,
 * in UTC, with the zone named (bull-board puts them in the browser's locale order).
 */
export const BULL_BOARD_DATE_FORMAT: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
  timeZoneName: "short",
};
