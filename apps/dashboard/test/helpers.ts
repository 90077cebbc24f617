import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { createDashboard, type DashboardOptions } from "../src/index.js";

export const USER = "ops";
export const PASSWORD = "correct horse battery staple";

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

export const authorized = { authorization: basic(USER, PASSWORD) };

/** A dashboard listening on a free port of 127.0.0.1. */
export async function listenDashboard(
  options: Partial<DashboardOptions> & Pick<DashboardOptions, "connection">,
): Promise<{ url: string; close(): Promise<void> }> {
  const dashboard = createDashboard({
    auth: { user: USER, password: PASSWORD },
    logger: pino({ level: "silent" }),
    ...options,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = dashboard.app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dashboard.close();
    },
  };
}
