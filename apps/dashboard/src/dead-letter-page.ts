import type { DeadLetterEntry, SmsDelivery } from "@sms-relay/producer";

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

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

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}
code{font-size:12px}
.notice{background:#eef6ee;border:1px solid #9c9;padding:.5rem}
.actions button{margin-right:.5rem}
.danger{color:#a00}
`;

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function errorCell(error: unknown): string {
  const { message, status, code } = asRecord(error);
  const parts = [
    message !== undefined ? escapeHtml(message) : "",
    status !== undefined ? `status <code>${escapeHtml(status)}</code>` : "",
    code !== undefined ? `code <code>${escapeHtml(code)}</code>` : "",
  ];
  return parts.filter(Boolean).join("<br>");
}

function deliveryCell(delivery: SmsDelivery | undefined): string {
  if (!delivery) return "";
  const parts = [
    escapeHtml(delivery.state),
    delivery.code !== undefined ? `code <code>${escapeHtml(delivery.code)}</code>` : "",
    delivery.reportedAt !== undefined ? escapeHtml(delivery.reportedAt) : "",
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
<td><code>${escapeHtml(entry.id)}</code></td>
<td>${escapeHtml(message.to)}</td>
<td>${escapeHtml(message.sender)}</td>
<td>${escapeHtml(data.reason)}</td>
<td>${errorCell(data.error)}</td>
<td>${escapeHtml(data.attemptsMade)}</td>
<td>${escapeHtml(data.failedAt)}</td>
<td>${documentIds.map((id) => `<code>${escapeHtml(id)}</code>`).join("<br>")}</td>
<td>${deliveryCell(entry.delivery)}</td>
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
<button type="submit" class="danger" formaction="/dead-letters/purge">Purge selected</button>
</p>`;
  const body = readOnly
    ? `${table}${actions}`
    : `<form method="post" action="/dead-letters/redrive">${table}${entries.length > 0 ? actions : ""}</form>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dead letters · sms-relay</title>
<style>${STYLE}</style>
</head>
<body>
<p><a href="/">← queues</a></p>
<h1>Dead letters</h1>
<p>SMS that will not be sent. Redrive puts an SMS back on the <code>sms</code> queue under the same id with fresh attempts; parts already sent are not sent again. Purge deletes the record for good.</p>
${notice}
${heading}
${body}
</body>
</html>
`;
}
