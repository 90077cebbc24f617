import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { DeliveryReportBody } from "../../src/index.js";

/** One POST that reached the receiver. */
export interface Arrival {
  /** Epoch milliseconds when the request arrived, and when it was answered. */
  at: number;
  answeredAt: number;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The signature checked here, with the receiver's own copy of the secret. */
  verified: boolean;
  attempt: number;
  /** The body's reports, an object body as a list of one. */
  reports: DeliveryReportBody[];
  isArray: boolean;
}

/** What to answer the n-th arrival (0-based): a status, or "hang" to never answer. */
export type Answer = (index: number, arrival: Arrival) => number | "hang";

export interface ReportReceiver {
  /** Base URL; reports go to `${url}/<anything>`. */
  url: string;
  arrivals: Arrival[];
  /** Resolves once `count` requests arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Arrival[]>;
  close(): Promise<void>;
}

function verify(raw: string, signature: string | string[] | undefined, secret: string): boolean {
  if (typeof signature !== "string" || !/^[0-9a-f]{64}$/.test(signature)) return false;
  const expected = createHmac("sha256", secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}

/** A webhook receiver on a free port that verifies KPN's signature itself. */
export async function startReportReceiver(
  options: { secret?: string; answer?: Answer } = {},
): Promise<ReportReceiver> {
  const secret = options.secret ?? "sandbox-webhook-secret";
  const answer = options.answer ?? (() => 204);
  const arrivals: Arrival[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const parsed = JSON.parse(raw) as DeliveryReportBody | DeliveryReportBody[];
      const arrival: Arrival = {
        at,
        answeredAt: at,
        path: req.url ?? "",
        headers: req.headers,
        raw,
        verified: verify(raw, req.headers["x-kpn-webhook-signature"], secret),
        attempt: Number(req.headers["x-kpn-webhook-attempt"]),
        reports: Array.isArray(parsed) ? parsed : [parsed],
        isArray: Array.isArray(parsed),
      };
      const status = answer(arrivals.length, arrival);
      arrivals.push(arrival);
      for (const wake of waiters) wake();
      if (status === "hang") return;
      arrival.answeredAt = Date.now();
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (arrivals.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(arrivals.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${arrivals.length} of ${count} report requests arrived`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
