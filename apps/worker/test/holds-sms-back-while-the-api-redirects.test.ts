import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { waitFor } from "@sms-relay/testing";
import { afterEach, describe, expect, it } from "vitest";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

/** A KPN stand-in whose send answer the test chooses; the token endpoint always works. */
async function startFakeKpn(answer: () => { status: number; body: string; location?: string }) {
  let sends = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    if (request.url?.startsWith("/oauth")) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ access_token: "token", expires_in: "3599" }));
      return;
    }
    sends += 1;
    const { status, body, location } = answer();
    response.writeHead(status, {
      "content-type": "application/json",
      ...(location ? { location } : {}),
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, sends: () => sends, close: () => server.close() };
}

describe("answers that are no SMS refusal", () => {
  let fake: Awaited<ReturnType<typeof startFakeKpn>> | undefined;
  afterEach(() => {
    fake?.close();
    fake = undefined;
  });

  it("holds SMS back on a redirect, reports it on /readyz, and sends once the API answers again", async () => {
    let redirecting = true;
    fake = await startFakeKpn(() =>
      redirecting
        ? { status: 302, body: "", location: "https://login.example/sso" }
        : { status: 200, body: '{"document_id":"6f1c2f0e-0000-4000-8000-000000000001"}' },
    );
    const stack = await stacks.start({
      label: "redirect",
      env: { KPN_BASE_URL: fake.url, SMS_MAX_ATTEMPTS: "2", SMS_BACKOFF_MS: "50" },
    });
    const { id } = await stack.producer.send({ to: "0612345678", content: "na de omleiding" });

    const body = await waitFor(async () => {
      const response = await fetch(`${stack.worker.healthUrl}/readyz`);
      return response.status === 503 ? ((await response.json()) as { reason: string }) : undefined;
    });
    expect(body.reason).toBe("kpn_redirecting");
    await waitFor(() => (fake?.sends() ?? 0) >= 3, { description: "three redirected sends" });
    expect(await stack.deadLetters.count()).toBe(0);
    expect((await stack.sms.getJob(id))?.attemptsMade).toBe(0);

    redirecting = false;
    const status = await waitFor(async () => {
      const s = await stack.producer.status(id);
      return s.state === "sent" ? s : undefined;
    });
    expect(status.documentIds).toEqual(["6f1c2f0e-0000-4000-8000-000000000001"]);
    expect((await fetch(`${stack.worker.healthUrl}/readyz`)).status).toBe(200);
  });

  it("dead-letters a 200 that never carries a document id with a code of ours", async () => {
    fake = await startFakeKpn(() => ({ status: 200, body: '{"status":"OK"}' }));
    const stack = await stacks.start({
      label: "no-document-id",
      env: { KPN_BASE_URL: fake.url, SMS_MAX_ATTEMPTS: "2" },
    });
    const { id } = await stack.producer.send({ to: "0612345678", content: "zonder id" });
    const record = await waitFor(() => stack.deadLetters.getJob(id), {
      description: "the dead letter",
    });
    expect(record.data.reason).toBe("exhausted");
    expect(record.data.error.code).toBe("KPN_BAD_RESPONSE");
    const metrics = await (await fetch(`${stack.worker.healthUrl}/metrics`)).text();
    expect(metrics).toMatch(/sms_ambiguous_failures_total 2\b/);
  });
});
