import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A stand-in for the KPN API that notes when each send request arrives. */
export interface ArrivalRecorder {
  url: string;
  /** Arrival time (epoch ms, fractional) of every send request, in arrival order. */
  readonly arrivals: number[];
  close(): Promise<void>;
}

export interface ArrivalRecorderOptions {
  /** Time between a send's arrival and its answer, as an API's processing time. */
  latencyMs: number;
  /** Close the connection of every token answer, so that the first sends need new ones. */
  closeTokenConnections?: boolean;
}

function json(response: ServerResponse, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(200, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/**
 * A `node:http` server on 127.0.0.1, port 0, that hands out tokens and accepts every send after
 * `latencyMs`, recording the moment each send arrived (its request line and headers read), which
 * is the moment an API counts it.
 */
export async function startArrivalRecorder(
  options: ArrivalRecorderOptions,
): Promise<ArrivalRecorder> {
  const arrivals: number[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const isSend = request.url?.endsWith("/send") === true;
    if (isSend) arrivals.push(performance.timeOrigin + performance.now());
    request.resume();
    request.on("end", () => {
      if (!isSend) {
        json(
          response,
          { access_token: randomUUID(), token_type: "Bearer", expires_in: "3599" },
          options.closeTokenConnections ? { connection: "close" } : {},
        );
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        json(response, { document_id: randomUUID(), status: "OK" });
      }, options.latencyMs);
      timers.add(timer);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Requests per second once the first `limit` went out: `(n - limit) / (t[n] - t[limit])` over
 * sorted arrival times. A sliding-window limiter lets its first `limit` requests through at once;
 * what it sustains shows in the rest, whether they come in bursts or evenly spread.
 */
export function sustainedRate(times: readonly number[], limit: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[limit - 1];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined || last === first) return Number.NaN;
  return ((sorted.length - limit) / (last - first)) * 1000;
}
