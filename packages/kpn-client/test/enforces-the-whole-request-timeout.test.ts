import type { ServerResponse } from "node:http";
import { Pool } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { acceptSendHandler } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

/**
 * undici's own headersTimeout and bodyTimeout only bound each wait on the socket; `timeoutMs`
 * bounds the request as a whole. These servers stay inside undici's limits and outside ours.
 */
describe("timeoutMs bounds the whole request", () => {
  const fake = useFakeKpn();
  const hanging: ServerResponse[] = [];
  const tickers: NodeJS.Timeout[] = [];
  afterEach(() => {
    for (const ticker of tickers.splice(0)) clearInterval(ticker);
    for (const response of hanging.splice(0)) response.destroy();
  });

  it("a body that keeps trickling in still times out after timeoutMs", async () => {
    const kpn = await fake.start({
      send: (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"document_id":"');
        hanging.push(response);
        // A byte well within every idle timeout, forever.
        tickers.push(setInterval(() => response.write("x"), 40));
      },
    });
    const client = fake.client(kpn, { timeoutMs: 300 });
    await client.getAccessToken();
    const started = performance.now();
    const error = await rejection(client.send(oneSms));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: "KPN_TIMEOUT", kind: "transient", ambiguous: true });
    expect(error.message).toBe(
      "KPN send request timed out after 300 ms (it may have reached the API)",
    );
    // Loose bounds: this checks that the timeout applies, not how precise timers are.
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5_000);
  });

  it("sends started at different times each time out, and sends that answer are unaffected", async () => {
    const kpn = await fake.start({
      send: (request, response, n, context) => {
        // The 1st, 3rd and 5th send hang; every other one is answered at once.
        if (n % 2 === 1 && n < 7) hanging.push(response);
        else acceptSendHandler(request, response, n, context);
      },
    });
    const client = fake.client(kpn, { timeoutMs: 400 });
    const sender = client;
    await sender.getAccessToken();
    const outcomes: Promise<unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(rejection(sender.send(oneSms)));
      const answered = await sender.send(oneSms);
      expect(answered.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const errors = await Promise.all(outcomes);
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).toMatchObject({ code: "KPN_TIMEOUT" });
    // The client keeps working after its timeouts.
    await expect(sender.send(oneSms)).resolves.toMatchObject({ status: 200 });
    expect(kpn.sendRequests).toHaveLength(7);
  });

  it("a send waiting for a free connection can be aborted and is never written", async () => {
    const kpn = await fake.start({ send: (_request, response) => hanging.push(response) });
    const pool = fake.closeAfter(new Pool(kpn.url, { connections: 1 }));
    const client = fake.client(kpn, { dispatcher: pool, timeoutMs: 30_000 });
    const sender = client;
    await sender.getAccessToken();
    const first = rejection(sender.send(oneSms));
    await waitUntil(() => kpn.sendRequests.length === 1);
    const controller = new AbortController();
    const queued = rejection(sender.send({ ...oneSms, signal: controller.signal }));
    controller.abort(new Error("shutting down"));
    const error = await queued;
    expect(error).toMatchObject({ code: "KPN_TIMEOUT", kind: "transient" });
    expect(error.message).toMatch(/^KPN send request was aborted by the caller/);
    expect(kpn.sendRequests).toHaveLength(1);
    for (const response of hanging.splice(0)) response.destroy();
    await first;
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
