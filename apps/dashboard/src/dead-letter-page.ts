import type { DeadLetterEntry, SmsDelivery } from "@sms-relay/producer";
import { escapeHtml } from "./escape-html.js";
import { timeHtml } from "./format-time.js";
import { renderPage } from "./page-layout.js";
import { deadLetterLink, deliveryHtml } from "./sms-pages.js";

export { escapeHtml };

/** One row of the dead-letter page: a record and the delivery state of its SMS. */
export interface DeadLetterPageEntry extends DeadLetterEntry {
  /** Parts accepted before the SMS died can still be reported. @default not shown */
  delivery?: SmsDelivery;
}

/** What {@link renderDeadLetterPage} shows. Entries must already be masked. */
export interface DeadLetterPageModel {
  entries: DeadLetterPageEntry[];
  total: number;
  offset: number;
  pageSize: number;
  readOnly: boolean;
  /** One line about the last action, shown above the table. */
  notice?: string;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** A record's error: message, HTTP status, code, one per line. */
export function errorCell(error: unknown): string {
  const { message, status, code } = asRecord(error);
  const parts = [
    message !== undefined ? escapeHtml(message) : "",
    status !== undefined ? `status <code>${escapeHtml(status)}</code>` : "",
    code !== undefined ? `code <code>${escapeHtml(code)}</code>` : "",
  ];
  return parts.filter(Boolean).join("<br>");
}

function row(entry: DeadLetterPageEntry, readOnly: boolean): string {
  const data = asRecord(entry.data);
  const message = asRecord(data.message);
  const documentIds = Array.isArray(data.documentIds) ? data.documentIds : [];
  const checkbox = readOnly
    ? ""
    : `<td><input type="checkbox" name="ids" value="${escapeHtml(entry.id)}" aria-label="select ${escapeHtml(entry.id)}"></td>`;
  return `<tr>${checkbox}
<td>${deadLetterLink(entry.id, entry.id)}<br><a class="muted" href="/sms/${encodeURIComponent(entry.id)}">its SMS</a></td>
<td>${escapeHtml(message.to)}</td>
<td>${escapeHtml(message.sender)}</td>
<td>${escapeHtml(data.reason)}</td>
<td>${errorCell(data.error)}</td>
<td>${escapeHtml(data.attemptsMade)}</td>
<td>${timeHtml(typeof data.failedAt === "string" ? data.failedAt : undefined)}</td>
<td>${documentIds.map((id) => `<code>${escapeHtml(id)}</code>`).join("<br>")}</td>
<td>${deliveryHtml(entry.delivery)}</td>
</tr>`;
}

function pager(model: DeadLetterPageModel): string {
  const links: string[] = [];
  if (model.offset > 0) {
    const previous = Math.max(0, model.offset - model.pageSize);
    links.push(`<a href="/dead-letters?offset=${previous}">newer</a>`);
  }
  if (model.offset + model.entries.length < model.total) {
    links.push(`<a href="/dead-letters?offset=${model.offset + model.pageSize}">older</a>`);
  }
  return links.join(" · ");
}

/**
 * The dead-letter page: one row per record with its masked recipient, reason, error, attempts,
 * failure time, the parts already sent and their delivery state, and (unless read-only) plain forms to redrive or
 * purge. Every value is escaped: records hold texts from the API and from job data.
 */
export function renderDeadLetterPage(model: DeadLetterPageModel): string {
  const { entries, total, offset, readOnly } = model;
  const first = entries.length > 0 ? offset + 1 : 0;
  const heading = `<p>${total} dead letter${total === 1 ? "" : "s"}${
    entries.length > 0 ? `, showing ${first}–${offset + entries.length}, newest first` : ""
  }. ${pager(model)}</p>`;
  const notice = model.notice
    ? `<p class="notice" role="status">${escapeHtml(model.notice)}</p>`
    : "";
  const head = `<tr>${readOnly ? "" : "<th></th>"}<th>id</th><th>to</th><th>sender</th><th>reason</th><th>error</th><th>attempts</th><th>failed at</th><th>parts sent (document ids)</th><th>delivery</th></tr>`;
  const table =
    entries.length === 0
      ? "<p>The dead-letter queue is empty.</p>"
      : `<table><thead>${head}</thead><tbody>${entries.map((entry) => row(entry, readOnly)).join("\n")}</tbody></table>`;
  const actions = readOnly
    ? "<p>Read-only dashboard: redrive and purge are disabled.</p>"
    : `<p class="actions">
<button type="submit">Redrive selected</button>
<button type="submit" name="all" value="1">Redrive all</button>
<button type="submit" class="danger" formaction="/dead-letters/purge">Purge selected…</button>
</p>`;
  const body = readOnly
    ? `${table}${actions}`
    : `<form method="post" action="/dead-letters/redrive">${table}${entries.length > 0 ? actions : ""}</form>`;
  return renderPage({
    title: "Dead letters",
    active: "dead-letters",
    body: `<p>SMS that will not be sent. Redrive puts an SMS back on the <code>sms</code> queue under the same id with fresh attempts; parts already sent are not sent again. Purge deletes the record for good (you are asked to confirm). No worker consumes this queue: that is by design.</p>
${notice}
${heading}
${body}`,
  });
}
