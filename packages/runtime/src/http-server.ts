import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Listens on `port` of `host` (0 picks a free port) and resolves to the URL to reach it, with the
 * real port: a wildcard host is shown as `127.0.0.1`, an IPv6 one in brackets. Rejects on a
 * listen error such as `EADDRINUSE`.
 */
export function listenHttp(
  server: Server,
  port: number,
  host?: string,
): Promise<{ url: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const bound = (server.address() as AddressInfo).port;
      const shown =
        !host || host === "0.0.0.0" || host === "::"
          ? "127.0.0.1"
          : host.includes(":")
            ? `[${host}]`
            : host;
      resolve({ url: `http://${shown}:${bound}`, port: bound });
    });
  });
}

/** Stops listening, ends idle keep-alive connections, and resolves once open requests are done. */
export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
