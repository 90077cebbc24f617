import { createServer, type Server } from "node:http";
import { closeHttp, listenHttp } from "@sms-relay/runtime";
import type { Registry } from "prom-client";
import type { ReadinessReport } from "./readiness.js";

/** Options of {@link createHealthServer}. */
export interface HealthServerOptions {
  /** Registry served at `/metrics`. */
  registry: Registry;
  /** Verdict served at `/readyz`. @default always ready */
  readiness?: () => ReadinessReport;
}

/** The health and metrics HTTP server, built but not yet listening. */
export interface HealthServer {
  readonly server: Server;
  /**
   * Starts listening; port 0 picks a free one.
   * @param host interface to bind. @default all interfaces
   * @returns the URL to reach it on, with 127.0.0.1 for a wildcard host
   */
  listen(port: number, host?: string): Promise<{ url: string; port: number }>;
  /** Stops listening and drops idle keep-alive connections. */
  close(): Promise<void>;
}

function sendJson(
  response: import("node:http").ServerResponse,
  status: number,
  body: unknown,
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(text);
}

/**
 * `/healthz` (200 while the process runs), `/readyz` (200 when ready, else 503 with a JSON
 * reason) and `/metrics` (Prometheus text format).
 */
export function createHealthServer(options: HealthServerOptions): HealthServer {
  const { registry, readiness = () => ({ ready: true }) as const } = options;

  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      sendJson(response, 200, { status: "ok" });
      return;
    }
    if (path === "/readyz") {
      const report = readiness();
      if (report.ready) sendJson(response, 200, { status: "ready" });
      else sendJson(response, 503, { status: "not_ready", reason: report.reason });
      return;
    }
    if (path === "/metrics") {
      registry.metrics().then(
        (text) => {
          response.writeHead(200, { "content-type": registry.contentType });
          response.end(text);
        },
        (error: unknown) => {
          sendJson(response, 500, { status: "error", message: String(error) });
        },
      );
      return;
    }
    sendJson(response, 404, { status: "not_found" });
  });
  // Probes are short; don't let a stuck client keep a socket for long.
  server.keepAliveTimeout = 5000;
  server.requestTimeout = 10_000;

  return {
    server,
    listen: (port, host) => listenHttp(server, port, host),
    close: () => closeHttp(server),
  };
}
