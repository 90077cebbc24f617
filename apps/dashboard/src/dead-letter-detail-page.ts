import type { DeadLetterPageEntry } from "./dead-letter-page.js";
import { errorCell } from "./dead-letter-page.js";
import { escapeHtml } from "./escape-html.js";
import { timeHtml } from "./format-time.js";
import { renderPage } from "./page-layout.js";
import { deliveryHtml, smsLink } from "./sms-pages.js";

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function fact(label: string, value: string): string {
  return value === "" ? "" : `<dt>${escapeHtml(label)}</dt><dd>${value}</dd>`;
}

/** Hidden fields that name one record and bring the operator back to its SMS afterwards. */
function oneRecordFields(id: string): string {
  return `<input type="hidden" name="ids" value="${escapeHtml(id)}"><input type="hidden" name="back" value="sms">`;
}

/**
 * The page of one dead letter (already masked): why its SMS will not be sent, the error the API
 * gave, the parts already sent, and (unless read-only) buttons to redrive or purge it.
 */
export function renderDeadLetterDetailPage(
  entry: DeadLetterPageEntry,
  readOnly: boolean,
  notice?: string,
): string {
  const data = asRecord(entry.data);
  const message = asRecord(data.message);
  const documentIds = Array.isArray(data.documentIds) ? data.documentIds : [];
  const facts = [
    fact("SMS", smsLink(entry.id)),
    fact("to", escapeHtml(message.to)),
    fact("sender", escapeHtml(message.sender)),
    fact("reason", `<strong>${escapeHtml(data.reason)}</strong>`),
    fact("error", errorCell(data.error)),
    fact("attempts", escapeHtml(data.attemptsMade)),
    fact("failed at", timeHtml(typeof data.failedAt === "string" ? data.failedAt : undefined)),
    fact("recorded at", timeHtml(entry.addedAt)),
    fact(
      "parts sent",
      documentIds.length === 0
        ? '<span class="muted">none</span>'
        : documentIds.map((id) => `<code>${escapeHtml(id)}</code>`).join("<br>"),
    ),
    fact("delivery", deliveryHtml(entry.delivery)),
  ].join("\n");
  const actions = readOnly
    ? "<p>Read-only dashboard: redrive and purge are disabled.</p>"
    : `<form method="post" action="/dead-letters/redrive" class="actions">${oneRecordFields(entry.id)}
<button type="submit">Redrive this SMS</button>
<button type="submit" class="danger" formaction="/dead-letters/purge">Purge this dead letter…</button>
</form>`;
  const shownNotice = notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : "";
  return renderPage({
    title: `Dead letter ${entry.id}`,
    active: "dead-letters",
    body: `${shownNotice}
<dl class="facts">${facts}</dl>
${actions}
<p>Redrive puts the SMS back on the <code>sms</code> queue under the same id with fresh attempts; parts already sent are not sent again. <a href="/dead-letters">All dead letters</a></p>`,
  });
}

/** The page for an id without a dead letter (redriven or purged meanwhile, or never one). */
export function renderDeadLetterNotFoundPage(id: string): string {
  return renderPage({
    title: "No such dead letter",
    active: "dead-letters",
    body: `<p>There is no dead letter with the id <code>${escapeHtml(id)}</code>: it was redriven or purged, or the SMS never died. ${smsLink(id, "Look the SMS up")} · <a href="/dead-letters">All dead letters</a></p>`,
  });
}

/** What the purge confirmation asks about. */
export interface PurgeConfirmation {
  ids: string[];
  /** Where to go afterwards: the SMS page of the one id, or the list. */
  back: "sms" | "list";
}

/**
 * Asks before a purge deletes records for good: the ids, a button that posts the same selection
 * again with `confirm=1`, and a way back that changes nothing. Works without scripts.
 */
export function renderPurgeConfirmPage({ ids, back }: PurgeConfirmation): string {
  const count = ids.length;
  const shown = ids
    .slice(0, 20)
    .map((id) => `<li><code>${escapeHtml(id)}</code></li>`)
    .join("");
  const more = count > 20 ? `<li>and ${count - 20} more</li>` : "";
  const hidden = ids
    .map((id) => `<input type="hidden" name="ids" value="${escapeHtml(id)}">`)
    .join("");
  const cancel =
    back === "sms" && ids[0] ? `/dead-letters/${encodeURIComponent(ids[0])}` : "/dead-letters";
  return renderPage({
    title: "Purge dead letters?",
    active: "dead-letters",
    body: `<p class="warning">Purging deletes ${count === 1 ? "this dead letter" : `these ${count} dead letters`} for good: the SMS will not be sent, and the record of why is gone. Redrive instead to send it again.</p>
<ul>${shown}${more}</ul>
<form method="post" action="/dead-letters/purge" class="actions">${hidden}<input type="hidden" name="confirm" value="1"><input type="hidden" name="back" value="${back}">
<button type="submit" class="danger">Purge ${count === 1 ? "it" : `all ${count}`} for good</button>
<a href="${cancel}">Cancel, keep ${count === 1 ? "it" : "them"}</a>
</form>`,
  });
}
