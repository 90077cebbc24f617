import { buildConnector, Pool } from "undici";
import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { acceptSendHandler, issueTokenHandler, json, startFakeKpn } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

/** What a rate limiter needs: the moment a send leaves the process, not when `send()` was called. */
describe("onWrite, the moment a send request is written", () => {
  const fake = useFakeKpn();

  /** A fake whose token answers close their connection, so that a send needs a new one. */
  function tokenOnClosingConnection() {
    return fake.start({
      token: (request, response, n, context) => {
        response.setHeader("connection", "close");
        issueTokenHandler(request, response, n, context);
      },
    });
  }

  it("is called once per send, before the API receives it, and not for the token request", async () => {
    const events: string[] = [];
    const kpn = await fake.start({
      send: (request, response, n, context) => {
        events.push("received");
        acceptSendHandler(request, response, n, context);
      },
    });
    const client = fake.client(kpn);
    await client.send({ ...oneSms, onWrite: () => events.push("written") });
    expect(client.tokenRequests).toBe(1);
    expect(events).toEqual(["written", "received"]);
  });

  it("comes after the connection is open, however long that took", async () => {
    const kpn = await tokenOnClosingConnection();
    const connect = buildConnector({});
    let slow = false;
    const pool = fake.closeAfter(
      new Pool(kpn.url, {
        connect: (options, callback) => {
          if (slow) setTimeout(() => connect(options, callback), 300);
          else connect(options, callback);
        },
      }),
    );
    const client = fake.client(kpn, { dispatcher: pool });
    await client.getAccessToken();
    slow = true;
    const started = performance.now();
    let writtenAfterMs = -1;
    await client.send({ ...oneSms, onWrite: () => (writtenAfterMs = performance.now() - started) });
    expect(writtenAfterMs).toBeGreaterThanOrEqual(290);
  });

  it("comes after connect retries, and only for the attempt that was written", async () => {
    const kpn = await tokenOnClosingConnection();
    const closed = await startFakeKpn();
    await closed.close();
    const connect = buildConnector({});
    let refuseNext = 0;
    const pool = fake.closeAfter(
      new Pool(kpn.url, {
        connect: (options, callback) => {
          if (refuseNext === 0) return connect(options, callback);
          // As if the API were restarting: this connect goes to a port nothing listens on.
          refuseNext -= 1;
          connect({ ...options, port: String(closed.port) }, callback);
        },
      }),
    );
    const client = fake.client(kpn, { dispatcher: pool });
    await client.getAccessToken();
    refuseNext = 2;
    const started = performance.now();
    const writes: number[] = [];
    await client.send({ ...oneSms, onWrite: () => writes.push(performance.now() - started) });
    expect(refuseNext).toBe(0);
    expect(kpn.sendRequests).toHaveLength(1);
    expect(writes).toHaveLength(1);
    // Two retries, 100 ms and 200 ms apart.
    expect(writes[0]).toBeGreaterThanOrEqual(290);
  });

  it("is called again for the resend with a fresh token", async () => {
    const kpn = await fake.start({
      send: (request, response, n, context) => {
        if (n === 1) {
          json(response, 401, {
            fault: {
              faultstring: "Invalid Access Token",
              detail: { errorcode: "oauth.v2.InvalidAccessToken" },
            },
          });
        } else acceptSendHandler(request, response, n, context);
      },
    });
    const client = fake.client(kpn);
    let writes = 0;
    await client.send({ ...oneSms, onWrite: () => (writes += 1) });
    expect(kpn.sendRequests).toHaveLength(2);
    expect(writes).toBe(2);
  });

  it("is not called when no connection could be opened", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn, { connectRetries: 1 });
    await client.getAccessToken();
    await kpn.close();
    let writes = 0;
    const error = await rejection(client.send({ ...oneSms, onWrite: () => (writes += 1) }));
    expect(error).toMatchObject({ code: "KPN_NETWORK", ambiguous: false });
    expect(writes).toBe(0);
  });

  it("cannot break a send by throwing", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    const result = await client.send({
      ...oneSms,
      onWrite: () => {
        throw new Error("observer fault");
      },
    });
    expect(result.status).toBe(200);
    expect(kpn.sendRequests).toHaveLength(1);
  });
});
