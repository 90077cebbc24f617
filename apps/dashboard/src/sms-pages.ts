import type { SmsDelivery } from "@sms-relay/producer";
import { escapeHtml } from "./escape-html.js";
import { timeHtml } from "./format-time.js";
import { renderPage } from "./page-layout.js";
import type { SearchMatch, SmsDetails, SmsParts, SmsSearchResult } from "./sms-lookup.js";

const MATCH_TEXT: Record<SearchMatch, string> = {
  id: "job id",
  idempotencyKey: "idempotency key",
  number: "number",
};

/** A link to the SMS page of an id. */
export function smsLink(id: string, label: string = id): string {
  return `<a href="/sms/${encodeURIComponent(id)}"><code>${escapeHtml(label)}</code></a>`;
}

/** A link to the dead-letter page of an id. */
export function deadLetterLink(id: string, label: string): string {
  return `<a href="/dead-letters/${encodeURIComponent(id)}">${escapeHtml(label)}</a>`;
}

/** `delivered`, `failed (code 104)`, with the report's time on a line of its own. */
export function deliveryHtml(delivery: SmsDelivery | undefined): string {
  if (!delivery) return "";
  const code =
    delivery.code !== undefined ? ` (code <code>${escapeHtml(delivery.code)}</code>)` : "";
  const at = delivery.reportedAt ? `<br>${timeHtml(delivery.reportedAt)}` : "";
  return `${escapeHtml(delivery.state)}${code}${at}`;
}

function partsHtml(parts: SmsParts | undefined): string {
  if (!parts) return "";
  const what = `${parts.count} message${parts.count === 1 ? "" : "s"}, ${parts.segments} segment${parts.segments === 1 ? "" : "s"}, ${escapeHtml(parts.encoding)}`;
  return parts.planned ? `${what} <span class="muted">(planned, not sent yet)</span>` : what;
}

function documentIdsHtml(ids: readonly string[]): string {
  return ids.length === 0
    ? '<span class="muted">none yet</span>'
    : ids.map((id) => `<code>${escapeHtml(id)}</code>`).join("<br>");
}

function stateHtml(sms: SmsDetails): string {
  const reason = sms.status.deadReason ? ` (${escapeHtml(sms.status.deadReason)})` : "";
  return `<strong>${escapeHtml(sms.status.state)}</strong>${reason}`;
}

function searchForm(query: string): string {
  return `<form method="get" action="/sms" role="search" class="search">
<label>SMS id, idempotency key or phone number <input type="search" name="q" value="${escapeHtml(query)}" size="40" autofocus></label>
<button type="submit">Find</button>
</form>
<p class="muted">A number may be written any Dutch way: 0698765432, +31698765432, 0031698765432, 31698765432, +31 6 9876 5432, 06-98765432. SMS queued before the number index existed are found by id only.</p>`;
}

function resultRow(sms: SmsDetails, match: SearchMatch): string {
  const dead = sms.deadLetter ? deadLetterLink(sms.id, sms.deadLetter.reason || "dead letter") : "";
  return `<tr>
<td>${smsLink(sms.id)}</td>
<td>${escapeHtml(sms.to)}</td>
<td>${stateHtml(sms)}</td>
<td>${deliveryHtml(sms.status.delivery)}</td>
<td>${partsHtml(sms.parts)}</td>
<td>${escapeHtml(sms.status.attemptsMade)}</td>
<td>${timeHtml(sms.createdAt)}</td>
<td>${dead}</td>
<td class="muted">${MATCH_TEXT[match]}</td>
</tr>`;
}

/** The search page: the form, and what was found for the last search. */
export function renderSearchPage(search: SmsSearchResult | undefined): string {
  let found = "";
  if (search && search.query !== "") {
    const about = search.number
      ? `number ${escapeHtml(search.number)}`
      : `“${escapeHtml(search.query)}”`;
    const problem = search.numberProblem
      ? `<p class="warning">Not searched as a number: ${escapeHtml(search.numberProblem)}.</p>`
      : "";
    found =
      search.results.length === 0
        ? `${problem}<p role="status">No SMS found for ${about}.</p>`
        : `${problem}<p role="status">${search.results.length} SMS found for ${about}${search.number ? ", newest first" : ""}.</p>
<table><thead><tr><th>id</th><th>to</th><th>state</th><th>delivery</th><th>parts</th><th>attempts</th><th>queued at</th><th>dead letter</th><th>found by</th></tr></thead>
<tbody>${search.results.map((sms, index) => resultRow(sms, search.matches[index] ?? "id")).join("\n")}</tbody></table>`;
  }
  return renderPage({
    title: "Find an SMS",
    active: "search",
    // A number searched for is not written back into the page, even in the search box.
    body: `${searchForm(search && !search.number ? search.query : "")}\n${found}`,
  });
}

function fact(label: string, value: string): string {
  return value === "" ? "" : `<dt>${escapeHtml(label)}</dt><dd>${value}</dd>`;
}

/** The page of one SMS: where it is, what KPN said, its parts, its dead letter. */
export function renderSmsPage(sms: SmsDetails, notice?: string): string {
  const { status } = sms;
  const facts = [
    fact("id", `<code>${escapeHtml(sms.id)}</code>`),
    fact("to", escapeHtml(sms.to)),
    fact("sender", escapeHtml(sms.sender)),
    fact("state", stateHtml(sms)),
    fact("delivery", deliveryHtml(status.delivery)),
    fact("parts", partsHtml(sms.parts)),
    fact("document ids", documentIdsHtml(status.documentIds)),
    fact("attempts", escapeHtml(status.attemptsMade)),
    fact("last error", escapeHtml(status.lastError)),
    fact("queued at", timeHtml(sms.createdAt)),
    fact("due at", timeHtml(sms.dueAt)),
    fact("sent at", timeHtml(status.sentAt)),
  ].join("\n");
  const dead = sms.deadLetter
    ? `<h2>Dead letter</h2>
<p class="warning">This SMS will not be sent: <strong>${escapeHtml(sms.deadLetter.reason)}</strong>${
        sms.deadLetter.error.message ? ` — ${escapeHtml(sms.deadLetter.error.message)}` : ""
      }. ${deadLetterLink(sms.id, "Open its dead letter")} to read it, redrive or purge it.</p>`
    : "";
  const shownNotice = notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : "";
  return renderPage({
    title: `SMS ${sms.id}`,
    active: "search",
    body: `${shownNotice}
<dl class="facts">${facts}</dl>
${dead}
<p><a href="/queue/sms/${encodeURIComponent(sms.id)}">Open the job in bull-board</a> · <a href="/sms/${encodeURIComponent(sms.id)}">Reload</a></p>`,
  });
}

/** The page for an id that is neither an SMS nor a dead letter. */
export function renderSmsNotFoundPage(id: string): string {
  return renderPage({
    title: "No such SMS",
    active: "search",
    body: `<p>No SMS and no dead letter has the id <code>${escapeHtml(id)}</code>: it never existed, or it is past the retention of sent SMS.</p>${searchForm("")}`,
  });
}
