import type { IncomingMessage, ServerResponse } from "node:http";
import { sandboxDeliveryReportsSchema, showDeliveryReports } from "./delivery-settings.js";
import { describeIssues, sandboxFaultsSchema } from "./faults.js";
import { methodNotAllowed, notFound, readBody, sendJson } from "./http.js";
import type { KpnSandbox, SentReportFilter } from "./types.js";

/** Prefix of the sandbox's own routes, apart from the API's paths. */
export const ADMIN_PREFIX = "/_sandbox/";

const OK = { ok: true };

/** Reads a non-negative integer query parameter; `undefined` when absent, `null` when bad. */
function indexParam(params: URLSearchParams, name: string): number | undefined | null {
  const raw = params.get(name);
  if (raw === null) return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

function badRequest(res: ServerResponse, message: string): void {
  sendJson(res, 400, { error: message });
}

/** Answers a paged list: `?since=<absolute index>&limit=<n>`. */
function sendPage(
  res: ServerResponse,
  query: string,
  list: (since?: number, limit?: number) => unknown[],
): void {
  const params = new URLSearchParams(query);
  const since = indexParam(params, "since");
  const limit = indexParam(params, "limit");
  if (since === null) badRequest(res, "since must be a non-negative integer");
  else if (limit === null) badRequest(res, "limit must be a non-negative integer");
  else sendJson(res, 200, list(since, limit));
}

/** `?documentId=…&recipient=…` (a recipient in any Dutch spelling; `+` written as `%2B`). */
function reportFilter(query: string): SentReportFilter {
  const params = new URLSearchParams(query);
  const filter: SentReportFilter = {};
  const documentId = params.get("documentId");
  const recipient = params.get("recipient");
  if (documentId !== null) filter.documentId = documentId;
  if (recipient !== null) filter.recipient = recipient;
  return filter;
}

/** Parses a PUT body as JSON, answering 400 itself when it is not. */
function readJson(res: ServerResponse, body: string | undefined, what: string): unknown {
  try {
    return JSON.parse(body ?? "");
  } catch {
    badRequest(res, `The body must be a JSON object of ${what}`);
    return undefined;
  }
}

type AdminHandler = (req: IncomingMessage, res: ServerResponse, query: string) => void;
type AdminRoutes = Record<string, Partial<Record<"GET" | "PUT" | "POST", AdminHandler>>>;

/**
 * The admin routes, under `/_sandbox/`:
 * - `GET received[?since=N&limit=M]`: accepted sends; `since` is an absolute index
 * - `GET requests[?since=N&limit=M]`: every send attempt
 * - `GET stats`, `POST clear`, `GET|PUT faults`, `POST tokens/expire`, `GET health`
 * - `GET|PUT delivery-reports`: the delivery report settings (the secret never shown)
 * - `GET reports[?documentId=…&recipient=…]`, `GET reports/outcomes[?…]`, `GET reports/stats`
 */
export function createAdminHandler(
  sandbox: KpnSandbox,
  page: {
    received: (since?: number, limit?: number) => unknown[];
    requests: (since?: number, limit?: number) => unknown[];
  },
) {
  const routes: AdminRoutes = {
    received: { GET: (_req, res, query) => sendPage(res, query, page.received) },
    requests: { GET: (_req, res, query) => sendPage(res, query, page.requests) },
    stats: { GET: (_req, res) => sendJson(res, 200, sandbox.stats()) },
    health: { GET: (_req, res) => sendJson(res, 200, { status: "ok" }) },
    clear: {
      POST: (_req, res) => {
        sandbox.clear();
        sendJson(res, 200, OK);
      },
    },
    "tokens/expire": {
      POST: (_req, res) => {
        sandbox.expireTokens();
        sendJson(res, 200, OK);
      },
    },
    faults: {
      GET: (_req, res) => sendJson(res, 200, sandbox.faults()),
      PUT: (req, res) => readBody(req, (body) => putFaults(res, body)),
    },
    "delivery-reports": {
      GET: (_req, res) => sendJson(res, 200, showDeliveryReports(sandbox.deliveryReports())),
      PUT: (req, res) => readBody(req, (body) => putDeliveryReports(res, body)),
    },
    reports: {
      GET: (_req, res, query) => sendJson(res, 200, sandbox.sentReports(reportFilter(query))),
    },
    "reports/outcomes": {
      GET: (_req, res, query) => sendJson(res, 200, sandbox.reportOutcomes(reportFilter(query))),
    },
    "reports/stats": { GET: (_req, res) => sendJson(res, 200, sandbox.deliveryReportStats()) },
  };

  function putDeliveryReports(res: ServerResponse, body: string | undefined): void {
    const json = readJson(res, body, "delivery report settings");
    if (json === undefined) return;
    const parsed = sandboxDeliveryReportsSchema.safeParse(json);
    if (!parsed.success) {
      badRequest(res, describeIssues(parsed.error));
      return;
    }
    sandbox.setDeliveryReports(parsed.data);
    sendJson(res, 200, showDeliveryReports(sandbox.deliveryReports()));
  }

  function putFaults(res: ServerResponse, body: string | undefined): void {
    const json = readJson(res, body, "faults");
    if (json === undefined) return;
    const parsed = sandboxFaultsSchema.safeParse(json);
    if (!parsed.success) {
      badRequest(res, describeIssues(parsed.error));
      return;
    }
    sandbox.setFaults(parsed.data);
    sendJson(res, 200, sandbox.faults());
  }

  return function handleAdmin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: string,
  ): void {
    const route = routes[path.slice(ADMIN_PREFIX.length)];
    if (!route) {
      req.resume();
      notFound(res, path);
      return;
    }
    const handler = route[req.method as keyof typeof route];
    if (!handler) {
      req.resume();
      methodNotAllowed(res, Object.keys(route).join(", "));
      return;
    }
    handler(req, res, query);
  };
}
