import { buildConnector, Pool } from "undici";
import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { type FakeKpn, issueTokenHandler, startFakeKpn } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

describe("network failures", () => {
  const fake = useFakeKpn();

  /** A fake that hands out a token on a connection it then closes, and can be shut down. */
  async function tokenThenGone(): Promise<FakeKpn> {
    return fake.start({
      token: (request, response, n, context) => {
        response.setHeader("connection", "close");
        issueTokenHandler(request, response, n, context);
      },
    });
  }

  /** A pool that counts connection attempts, on real sockets. */
  function countingPool(url: string): { pool: Pool; attempts: () => number } {
    const connect = buildConnector({});
    let attempts = 0;
    const counted = new Pool(url, {
      connect: (options, callback) => {
        attempts += 1;
        connect(options, callback);
      },
    });
    return { pool: counted, attempts: () => attempts };
  }

  it("a connection reset after the request went out is ambiguous and not retried", async () => {
    const kpn = await fake.start({
      send: (_request, _response, _n, { socket }) => socket.destroy(),
    });
    const client = fake.client(kpn);
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_NETWORK", kind: "transient", ambiguous: true });
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(
      /^KPN send request lost its connection to http:\/\/127\.0\.0\.1:\d+ \(UND_ERR_SOCKET\) \(it may have reached the API\)$/,
    );
    expect(kpn.sendRequests).toHaveLength(1);
  });

  it("a refused connection is not ambiguous and is retried connectRetries times", async () => {
    const kpn = await tokenThenGone();
    const counting = countingPool(kpn.url);
    const pool = fake.closeAfter(counting.pool);
    const client = fake.client(kpn, { dispatcher: pool });
    await client.getAccessToken();
    const tokenConnects = counting.attempts();
    await kpn.close();

    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_NETWORK", kind: "transient", ambiguous: false });
    expect(error.message).toMatch(
      /could not connect to http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/,
    );
    expect(counting.attempts() - tokenConnects).toBe(3);
  });

  it("connectRetries: 0 tries once", async () => {
    const kpn = await tokenThenGone();
    const counting = countingPool(kpn.url);
    const pool = fake.closeAfter(counting.pool);
    const client = fake.client(kpn, { dispatcher: pool, connectRetries: 0 });
    await client.getAccessToken();
    await kpn.close();
    const error = await rejection(client.send(oneSms));
    expect(error.code).toBe("KPN_NETWORK");
    expect(counting.attempts()).toBe(2);
  });

  it("recovers when the API comes back between connect retries", async () => {
    const kpn = await tokenThenGone();
    const closed = await closedPortUrl();
    const connect = buildConnector({});
    let refuseNext = 0;
    const pool = fake.closeAfter(
      new Pool(kpn.url, {
        connect: (options, callback) => {
          if (refuseNext > 0) {
            // As if the API were restarting: this connect goes to a port nothing listens on.
            refuseNext -= 1;
            connect({ ...options, port: String(closed.port) }, callback);
            return;
          }
          connect(options, callback);
        },
      }),
    );
    const client = fake.client(kpn, { dispatcher: pool });
    await client.getAccessToken();
    refuseNext = 2;
    const result = await client.send(oneSms);
    expect(result.status).toBe(200);
    expect(refuseNext).toBe(0);
    expect(kpn.sendRequests).toHaveLength(1);
  });

  it("an unreachable token endpoint is KPN_TOKEN_FAILED after tokenRetries", async () => {
    const { url } = await closedPortUrl();
    const client = fake.client({ url } as FakeKpn, { tokenRetries: 1 });
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_TOKEN_FAILED", kind: "transient", ambiguous: false });
    expect(error.message).toMatch(/^KPN token request could not connect to .* \(ECONNREFUSED\)$/);
    expect(client.tokenRequests).toBe(2);
  });

  it("a reset token request is retried and never ambiguous", async () => {
    const kpn = await fake.start({
      token: (request, response, n, context) => {
        if (n === 1) context.socket.destroy();
        else issueTokenHandler(request, response, n, context);
      },
    });
    const client = fake.client(kpn, { tokenRetries: 0 });
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_TOKEN_FAILED", ambiguous: false });
    expect(error.message).toMatch(
      /^KPN token request lost its connection to .* \(UND_ERR_SOCKET\)$/,
    );
    await client.send(oneSms);
    expect(client.tokenRequests).toBe(2);
  });

  it("a closed client sends nothing", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    await client.getAccessToken();
    await client.close();
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_NETWORK", ambiguous: false });
    expect(error.message).toBe("KPN send request was not sent: the KPN client is closed");
    expect(kpn.sendRequests).toHaveLength(0);
  });
});

/** A port nothing listens on: bound once, then released. */
async function closedPortUrl(): Promise<{ url: string; port: number }> {
  const fake = await startFakeKpn();
  const { port, url } = fake;
  await fake.close();
  return { url, port };
}
