import { createServer, type Server } from "node:net";
import { TOKEN_PATH } from "@sms-relay/kpn-sandbox";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackEnv, startStackSandbox } from "../src/index.js";

const silent = pino({ level: "silent" });

describe("the sandbox of the local stack", () => {
  let blocker: Server;
  let takenPort: number;

  beforeAll(async () => {
    blocker = createServer();
    takenPort = await new Promise<number>((resolve) => {
      blocker.listen(0, "127.0.0.1", () => {
        const address = blocker.address();
        resolve(typeof address === "object" && address ? address.port : 0);
      });
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
  });

  it("moves to a free port when SANDBOX_PORT is taken, and answers the token endpoint", async () => {
    const sandbox = await startStackSandbox({
      variables: { SANDBOX_PORT: String(takenPort) },
      logger: silent,
    });
    try {
      expect(sandbox.url).not.toContain(`:${takenPort}`);
      expect(sandbox).toMatchObject({ clientId: "sandbox", clientSecret: "sandbox" });
      const response = await fetch(`${sandbox.url}${TOKEN_PATH}?grant_type=client_credentials`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "client_id=sandbox&client_secret=sandbox",
      });
      expect(response.status).toBe(200);
      await response.body?.cancel();
    } finally {
      await sandbox.close();
    }
  });

  it("keeps the worker's content limit and the sandbox's the same", async () => {
    const fromKpn = await startStackSandbox({
      variables: { SANDBOX_PORT: "0" },
      maxContentLength: 160,
      logger: silent,
    });
    await fromKpn.close();
    expect(fromKpn.maxContentLength).toBe(160);

    const fromSandbox = await startStackSandbox({
      variables: { SANDBOX_PORT: "0", SANDBOX_MAX_CONTENT_LENGTH: "500" },
      maxContentLength: 160,
      logger: silent,
    });
    await fromSandbox.close();
    expect(fromSandbox.maxContentLength).toBe(500);
  });

  it("reads KPN credentials all or nothing", () => {
    expect(parseStackEnv({}).kpnCredentials).toBeUndefined();
    expect(parseStackEnv({ KPN_CLIENT_ID: "a", KPN_CLIENT_SECRET: "b" }).kpnCredentials).toEqual({
      clientId: "a",
      clientSecret: "b",
    });
    expect(() => parseStackEnv({ KPN_CLIENT_SECRET: "b" })).toThrow(/KPN_CLIENT_ID is not set/);
  });
});
