import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

describe("a 2xx answer without a document_id", () => {
  const fake = useFakeKpn();

  it.each([
    { name: "a JSON body without document_id", status: 200, body: '{"status":"OK"}' },
    { name: "an empty document_id", status: 200, body: '{"document_id":"","status":"OK"}' },
    { name: "a numeric document_id", status: 202, body: '{"document_id":42}' },
    { name: "a body that is not JSON", status: 200, body: "OK" },
    { name: "no body at all", status: 204, body: "" },
  ])("is a bad response that may have been sent: $name", async ({ status, body }) => {
    const kpn = await fake.start({
      send: (_request, response) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(body);
      },
    });
    const client = fake.client(kpn);
    const error = await rejection(client.send(oneSms));
    expect(error).toMatchObject({
      code: "KPN_BAD_RESPONSE",
      kind: "transient",
      ambiguous: true,
      status,
      body,
    });
    expect(error.message).toBe(
      `KPN API answered ${status} without a document_id (the SMS may have been sent)`,
    );
    // A success-shaped body ("status":"OK") carries no error code of the API.
    expect(error.apiCode).toBeUndefined();
    expect(error.apiMessage).toBeUndefined();
    expect(kpn.sendRequests).toHaveLength(1);
  });

  it("is not confused by a document_id in a later answer", async () => {
    const kpn = await fake.start({
      send: (_request, response, n) =>
        json(response, 200, n === 1 ? { status: "OK" } : { document_id: "doc-2" }),
    });
    const client = fake.client(kpn);
    expect((await rejection(client.send(oneSms))).code).toBe("KPN_BAD_RESPONSE");
    expect((await client.send(oneSms)).documentId).toBe("doc-2");
  });
});
