import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { waitFor } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { type SandboxWithClient, startSandbox } from "./support/sandbox.js";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

/**
 * A proxy in front of the sandbox that fills Redis up (maxmemory 1 byte, noeviction) the moment
 * the API has accepted a send, before the worker hears the answer, and frees it `fullForMs` later.
 */
async function startFillingProxy(target: string, redisUrl: string, fullForMs: number) {
  const admin = new Redis(redisUrl);
  const original = ((await admin.config("GET", "maxmemory")) as string[])[1] ?? "0";
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = await fetch(`${target}${request.url}`, {
      method: request.method ?? "GET",
      headers: {
        "content-type": request.headers["content-type"] ?? "application/json",
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      },
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const text = await answer.text();
    if (request.url?.endsWith("/send") && answer.status === 200) {
      await admin.config("SET", "maxmemory-policy", "noeviction");
      await admin.config("SET", "maxmemory", "1");
      setTimeout(() => void admin.config("SET", "maxmemory", original), fullForMs);
    }
    response.writeHead(answer.status, { "content-type": "application/json" });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.close();
      await admin.config("SET", "maxmemory", original).catch(() => {});
      admin.disconnect();
    },
  };
}

describe("Redis refuses to record the document id after the API accepted the send", () => {
  let proxy: Awaited<ReturnType<typeof startFillingProxy>> | undefined;
  let api: SandboxWithClient | undefined;
  afterEach(async () => {
    await proxy?.close();
    await api?.close();
    proxy = undefined;
    api = undefined;
  });

  async function sendThroughFullRedis(label: string, fullForMs: number) {
    api = await startSandbox();
    proxy = await startFillingProxy(api.url, stacks.redis.url, fullForMs);
    const sandbox = api.sandbox;
    const stack = await stacks.start({
      label,
      env: { KPN_BASE_URL: proxy.url, WORKER_CONCURRENCY: "1" },
    });
    const { id } = await stack.producer.send({ to: "0612345670", content: "uw code is 1234" });
    return { stack, sandbox, id };
  }

  it("keeps trying to record it and sends the SMS once", async () => {
    const { stack, sandbox, id } = await sendThroughFullRedis("oom-short", 1500);
    const status = await waitFor(
      async () => {
        const s = await stack.producer.status(id);
        return s?.state === "sent" ? s : undefined;
      },
      { timeoutMs: 20_000, description: "sent" },
    );
    expect(sandbox.received().map((r) => r.documentId)).toEqual(status.documentIds);
    expect(sandbox.received()).toHaveLength(1);
  });

  it("sends it once even when Redis stays full longer than the worker tries, and counts it as ambiguous", async () => {
    const { stack, sandbox, id } = await sendThroughFullRedis("oom-long", 8000);
    const status = await waitFor(
      async () => {
        const s = await stack.producer.status(id);
        return s?.state === "sent" ? s : undefined;
      },
      { timeoutMs: 80_000, intervalMs: 250, description: "sent after Redis has room again" },
    );
    expect(sandbox.received()).toHaveLength(1);
    expect(status.documentIds).toEqual([sandbox.received()[0]?.documentId]);
    const metrics = await (await fetch(`${stack.worker.healthUrl}/metrics`)).text();
    expect(metrics).toMatch(/sms_ambiguous_failures_total 1\b/);
    expect(stack.logs.text()).toContain("could not record the document id in Redis");
  }, 100_000);
});
