import express, { type Router } from "express";
import { renderPurgeConfirmPage } from "./dead-letter-detail-page.js";
import { type DeadLetterSelection, parseFormSelection } from "./dead-letter-selection.js";
import { sendPage } from "./page-layout.js";
import { createSameOriginGuard } from "./same-origin-guard.js";

/** What a redrive or purge did, by id. */
export interface ActionResult {
  done: string[];
  /** Redrive only: SMS being sent right now, whose records stay. */
  inProgress: string[];
  missing: string[];
}

/** Carries out a redrive or a purge. */
export type RunAction = (
  action: "redrive" | "purge",
  selection: DeadLetterSelection,
) => Promise<ActionResult>;

function one(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function count(value: unknown): number {
  return Number.parseInt(String(one(value) ?? "0"), 10) || 0;
}

/** The one-line message a page shows after a form post, from the counts in its URL. */
export function noticeOf(query: Record<string, unknown>): string | undefined {
  const action = one(query.action);
  if (action === "none") return "Nothing selected: tick at least one dead letter.";
  if (action === "kept") return "Nothing purged.";
  if (action !== "redrive" && action !== "purge") return undefined;
  const done = count(query.done);
  const missing = count(query.missing);
  const inProgress = count(query.inProgress);
  const gone = missing > 0 ? `; ${missing} not found (already redriven or purged)` : "";
  const busy = inProgress > 0 ? `; ${inProgress} being sent right now, kept (try again later)` : "";
  return action === "redrive"
    ? `Redrove ${done} SMS back onto the sms queue${busy}${gone}.`
    : `Purged ${done} dead letter${done === 1 ? "" : "s"}${gone}.`;
}

/** Whether the post came from the page of one dead letter (`back=sms` and a single id). */
function fromOneRecord(body: Record<string, unknown>, selection: DeadLetterSelection): boolean {
  return one(body.back) === "sms" && Array.isArray(selection) && selection.length === 1;
}

/**
 * The plain form posts of the dead-letter pages, `POST /redrive` and `POST /purge`
 * (form-encoded `ids=…&ids=…` or `all=1`, same-origin only), which redirect back with the
 * result: to the list, or after redriving one SMS from its own page, to the page of the SMS. A purge first answers a page that asks to confirm; only the post from that page
 * (`confirm=1`) deletes anything.
 */
export function registerDeadLetterForms(router: Router, run: RunAction): void {
  const form = [
    createSameOriginGuard({ requireHeader: true }),
    express.urlencoded({ extended: false, limit: "200kb", parameterLimit: 2000 }),
  ];
  for (const action of ["redrive", "purge"] as const) {
    router.post(`/${action}`, ...form, async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const selection = parseFormSelection(body);
      if (!selection) {
        res.redirect(303, "/dead-letters?action=none");
        return;
      }
      const single = fromOneRecord(body, selection);
      if (action === "purge" && one(body.confirm) !== "1") {
        // "all" is not offered for purge on the page; a hand-made post asks for ids.
        const ids = selection === "all" ? [] : selection;
        if (ids.length === 0) {
          res.redirect(303, "/dead-letters?action=none");
          return;
        }
        sendPage(res, renderPurgeConfirmPage({ ids, back: single ? "sms" : "list" }));
        return;
      }
      const { done, inProgress, missing } = await run(action, selection);
      // A redriven SMS is followed to its own page, built from the id (never a URL from the
      // request); everything else returns to the list.
      const back =
        action === "redrive" && single && Array.isArray(selection)
          ? `/sms/${encodeURIComponent(selection[0] ?? "")}`
          : "/dead-letters";
      res.redirect(
        303,
        `${back}?action=${action}&done=${done.length}&inProgress=${inProgress.length}&missing=${missing.length}`,
      );
    });
  }
}
