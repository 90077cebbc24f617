import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { MAX_ERROR_BODY_LENGTH } from "../src/errors.js";
import { oneSms, rejection } from "./support/client.js";
import { acceptSendHandler, type Handler, issueTokenHandler } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

const FIFTY_MB = 50 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "x");
/**
 * A client that reads this much of one answer is buffering it. The server then gives up on that
 * answer, so that a client that reads everything cannot take the test machine's memory with it.
 */
const READ_TOO_FAR = 16 * 1024 * 1024;

/** Bytes the server got onto each connection, and whether the client read past `READ_TOO_FAR`. */
interface Streamed {
  written: number[];
  readTooFar: number;
}

/**
 * Answers `status` with a 50 MB body made on the fly (the test holds one 64 KiB chunk), writing
 * only as fast as the client reads, until the client closes the connection.
 */
function hugeBody(status: number, streamed: Streamed): Handler {
  return (_request, response) => {
    const index = streamed.written.push(0) - 1;
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": String(FIFTY_MB),
    });
    void pump(response, (bytes) => {
      const total = (streamed.written[index] ?? 0) + bytes;
      streamed.written[index] = total;
      if (total <= READ_TOO_FAR) return true;
      streamed.readTooFar += 1;
      return false;
    });
  };
}

async function pump(response: ServerResponse, wrote: (bytes: number) => boolean): Promise<void> {
  let sent = 0;
  while (sent < FIFTY_MB && !response.destroyed) {
    const drained = response.write(CHUNK);
    sent += CHUNK.length;
    if (!wrote(CHUNK.length)) {
      response.destroy();
      return;
    }
    if (!drained) {
      const goOn = await new Promise<boolean>((resolve) => {
        const onDrain = (): void => {
          response.off("close", onClose);
          resolve(true);
        };
        const onClose = (): void => {
          response.off("drain", onDrain);
          resolve(false);
        };
        response.once("drain", onDrain);
        response.once("close", onClose);
      });
      if (!goOn) return;
    }
  }
  response.end();
}

describe("a huge response body", () => {
  const fake = useFakeKpn();

  it("20 concurrent 500s of 50 MB: truncated errors, bodies not read, client still works", async () => {
    const streamed: Streamed = { written: [], readTooFar: 0 };
    const huge = hugeBody(500, streamed);
    let send: Handler = huge;
    const kpn = await fake.start({ send: (...args) => send(...args) });
    const client = fake.client(kpn);
    await client.getAccessToken();

    const started = performance.now();
    const errors = await Promise.all(
      Array.from({ length: 20 }, () => rejection(client.send(oneSms))),
    );
    expect(performance.now() - started).toBeLessThan(5_000);

    for (const error of errors) {
      expect(error).toMatchObject({ code: "KPN_SERVER_ERROR", status: 500, ambiguous: true });
      expect(error.body).toBe("x".repeat(MAX_ERROR_BODY_LENGTH));
      expect(error.message.length).toBeLessThan(300);
    }
    expect(streamed.readTooFar).toBe(0);
    const total = streamed.written.reduce((sum, bytes) => sum + bytes, 0);
    // Each connection stopped being read within what socket buffers hold (a few MB on loopback),
    // a fraction of the 1000 MB offered.
    expect(total).toBeLessThan(20 * READ_TOO_FAR);

    send = acceptSendHandler;
    expect((await client.send(oneSms)).documentId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a 200 with a huge body is a bad response, not a buffered one", async () => {
    const streamed: Streamed = { written: [], readTooFar: 0 };
    const kpn = await fake.start({ send: hugeBody(200, streamed) });
    const error = await rejection(fake.client(kpn).send(oneSms));
    expect(error).toMatchObject({ code: "KPN_BAD_RESPONSE", status: 200 });
    expect(error.message.length).toBeLessThan(300);
    expect(streamed.readTooFar).toBe(0);
  });

  it("a token endpoint answering a huge body fails the token request without reading it", async () => {
    const streamed: Streamed = { written: [], readTooFar: 0 };
    let token: Handler = hugeBody(503, streamed);
    const kpn = await fake.start({ token: (...args) => token(...args) });
    const client = fake.client(kpn, { tokenRetries: 0 });
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({ code: "KPN_TOKEN_FAILED", status: 503 });
    expect(error.body).toHaveLength(MAX_ERROR_BODY_LENGTH);
    expect(streamed.readTooFar).toBe(0);

    token = issueTokenHandler;
    expect((await client.send(oneSms)).documentId).toBeDefined();
  });
});
