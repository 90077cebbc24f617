/** Which dead letters a redrive or purge is about: listed ids, or every record. */
export type DeadLetterSelection = string[] | "all";

/** Most ids one request may name; `"all"` has no limit, as the producer works through it in pages. */
export const MAX_SELECTED_IDS = 1000;

/** A request body or query that does not say what to do; answered 400. */
export class DashboardRequestError extends Error {
  override readonly name = "DashboardRequestError";
  /** Always `"DASHBOARD_BAD_REQUEST"`. */
  readonly code = "DASHBOARD_BAD_REQUEST";
  /** The field at fault (`ids`, `all`, `limit`, or `body` for the whole body). */
  readonly field: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.field = field;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads `{ "ids": [..] }` or `{ "all": true }` from a parsed JSON body. Strict on purpose: these
 * requests change the queues, so a typo must not be read as "nothing" or as "everything".
 * Throws {@link DashboardRequestError} naming the field.
 */
export function parseJsonSelection(body: unknown): DeadLetterSelection {
  if (!isPlainObject(body)) {
    throw new DashboardRequestError(
      "body",
      'expected a JSON object ({"ids": [..]} or {"all": true}) sent as application/json',
    );
  }
  const unknown = Object.keys(body).find((key) => key !== "ids" && key !== "all");
  if (unknown !== undefined) {
    throw new DashboardRequestError(unknown.slice(0, 40), 'unknown field, expected "ids" or "all"');
  }
  const { ids, all } = body;
  if (ids !== undefined && all !== undefined) {
    throw new DashboardRequestError("ids", 'give either "ids" or "all", not both');
  }
  if (all !== undefined) {
    if (all !== true) throw new DashboardRequestError("all", "must be true");
    return "all";
  }
  if (ids === undefined) {
    throw new DashboardRequestError("ids", 'required (or "all": true)');
  }
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new DashboardRequestError("ids", "must be a non-empty array of job ids");
  }
  if (ids.length > MAX_SELECTED_IDS) {
    throw new DashboardRequestError(
      "ids",
      `at most ${MAX_SELECTED_IDS} ids per request, use "all" for more`,
    );
  }
  ids.forEach((id, index) => {
    if (typeof id !== "string" || id.trim() === "") {
      throw new DashboardRequestError(`ids[${index}]`, "must be a non-empty string");
    }
  });
  return ids as string[];
}

/**
 * Reads the HTML form: checkboxes `ids`, and `all=1` from the "all" button. `undefined` when
 * nothing was selected, which the page reports instead of treating as an error.
 */
export function parseFormSelection(body: unknown): DeadLetterSelection | undefined {
  const fields = isPlainObject(body) ? body : {};
  if (fields.all === "1") return "all";
  const raw = fields.ids;
  const ids = (Array.isArray(raw) ? raw : [raw]).filter(
    (id): id is string => typeof id === "string" && id !== "",
  );
  if (ids.length > MAX_SELECTED_IDS) {
    throw new DashboardRequestError("ids", `at most ${MAX_SELECTED_IDS} ids per request`);
  }
  return ids.length > 0 ? ids : undefined;
}

/** Reads a whole number ≥ 0 (at most `max`) from a query parameter. */
export function parseCount(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  if (typeof value !== "string" || !/^\d{1,9}$/.test(value) || Number(value) > max) {
    throw new DashboardRequestError(field, `must be a whole number from 0 to ${max}`);
  }
  return Number(value);
}
