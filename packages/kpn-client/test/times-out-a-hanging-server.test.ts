import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

describe("a server that does not answer in time", () => {
  const fake = useFakeKpn();
  const hanging: ServerResponse[] = [];
  afterEach(() => {
    for (const response of hanging.splice(0)) response.destroy();
  });

  it("never answering a send: KPN_TIMEOUT, ambiguous, within about timeoutMs", async () => {
    const kpn = await fake.start({ send: (_request, response) => hanging.push(response) });
    const client = fake.client(kpn, { timeoutMs: 300 });
    await client.getAccessToken();
    const started = performance.now();
    const error = await rejection(client.send(oneSms));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: "KPN_TIMEOUT", kind: "transient", ambiguous: true });
    expect(error.status).toBeUndefined();
    expect(error.message).toBe(
      "KPN send request timed out after 300 ms (it may have reached the API)",
    );
    // Loose bounds: this checks that the timeout applies, not how precise timers are.
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5_000);
    // A timeout may have sent the SMS, so it is not retried inside the client.
    expect(kpn.sendRequests).toHaveLength(1);
  });

  it("sending headers and then stalling the body still times out as a whole", async () => {
    const kpn = await fake.start({
      send: (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"document_id":');
        hanging.push(response);
      },
    });
    const client = fake.client(kpn, { timeoutMs: 300 });
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_TIMEOUT", ambiguous: true });
  });

  it("the caller's signal aborts a send in flight, reported as ambiguous", async () => {
    const kpn = await fake.start({ send: (_request, response) => hanging.push(response) });
    const client = fake.client(kpn, { timeoutMs: 30_000 });
    await client.getAccessToken();
    const controller = new AbortController();
    const sending = rejection(client.send({ ...oneSms, signal: controller.signal }));
    await waitUntil(() => kpn.sendRequests.length === 1);
    controller.abort(new Error("shutting down"));
    const error = await sending;
    expect(error).toMatchObject({ code: "KPN_TIMEOUT", kind: "transient", ambiguous: true });
    expect(error.message).toBe(
      "KPN send request was aborted by the caller (it may have reached the API)",
    );
  });

  it("an already aborted signal sends nothing and is not ambiguous", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    await client.getAccessToken();
    const error = await rejection(client.send({ ...oneSms, signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ code: "KPN_TIMEOUT", ambiguous: false });
    expect(kpn.sendRequests).toHaveLength(0);
  });

  it("a hanging token endpoint is KPN_TOKEN_FAILED, retried, and never ambiguous", async () => {
    const kpn = await fake.start({ token: (_request, response) => hanging.push(response) });
    const client = fake.client(kpn, { timeoutMs: 200, tokenRetries: 1 });
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_TOKEN_FAILED", kind: "transient", ambiguous: false });
    expect(error.message).toBe("KPN token request timed out after 200 ms");
    expect(client.tokenRequests).toBe(2);
    expect(kpn.sendRequests).toHaveLength(0);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
