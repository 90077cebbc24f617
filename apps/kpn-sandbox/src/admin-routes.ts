import type { IncomingMessage, ServerResponse } from "node:http";
import { describeIssues, sandboxFaultsSchema } from "./faults.js";
import { methodNotAllowed, notFound, readBody, sendJson } from "./http.js";
import type { KpnSandbox } from "./types.js";

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

type AdminHandler = (req: IncomingMessage, res: ServerResponse, query: string) => void;
type AdminRoutes = Record<string, Partial<Record<"GET" | "PUT" | "POST", AdminHandler>>>;

/**
 * The admin routes, under `/_sandbox/`:
 * - `GET received[?since=N&limit=M]`: accepted sends; `since` is an absolute index
 * - `GET requests[?since=N&limit=M]`: every send attempt
 * - `GET stats`, `POST clear`, `GET|PUT faults`, `POST tokens/expire`, `GET health`
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
  };

  function putFaults(res: ServerResponse, body: string | undefined): void {
    let json: unknown;
    try {
      json = JSON.parse(body ?? "");
    } catch {
      badRequest(res, "The body must be a JSON object of faults");
      return;
    }
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
