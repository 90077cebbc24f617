import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

describe("a 2xx answer whose document_id is not an id", () => {
  const fake = useFakeKpn();

  it.each([
    {
      name: "5 MB long",
      id: "a".repeat(5 * 1024 * 1024),
      shown: /a body over 65536 bytes, which was not read/,
    },
    { name: "129 characters", id: "b".repeat(129), shown: /\(129 characters, "b{16}…"\)/ },
    { name: "with a space", id: "doc id", shown: /\(6 characters, "doc id"\)/ },
    { name: "with a line break", id: "doc\nid", shown: /\(6 characters, "doc\\nid"\)/ },
    { name: "with markup", id: "<script>", shown: /\(8 characters, "<script>"\)/ },
  ])("is a bad response that may have been sent: $name", async ({ id, shown }) => {
    const kpn = await fake.start({
      send: (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ document_id: id, status: "OK" }));
      },
    });
    const error = await rejection(fake.client(kpn).send(oneSms));
    expect(error).toMatchObject({
      code: "KPN_BAD_RESPONSE",
      kind: "transient",
      ambiguous: true,
      status: 200,
    });
    expect(error.message).toMatch(/^KPN API answered 200 /);
    expect(error.message).toMatch(shown);
    expect(error.message).toMatch(/\(the SMS may have been sent\)$/);
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).not.toContain("a".repeat(100));
    expect(error.body?.length).toBeLessThanOrEqual(1000);
    // The body's "status":"OK" is not an error code of the API.
    expect(error.apiCode).toBeUndefined();
    expect(error.apiMessage).toBeUndefined();
  });

  it.each(["3f2c7f0e-6a8e-4a0e-9c1b-2d6f4b1e9a77", "DOC.2025-01-01:42-x", "c".repeat(128)])(
    "accepts an id such as %s",
    async (id) => {
      const kpn = await fake.start({
        send: (_request, response) => {
          response.writeHead(201, { "content-type": "application/json" });
          response.end(JSON.stringify({ document_id: id }));
        },
      });
      expect((await fake.client(kpn).send(oneSms)).documentId).toBe(id);
    },
  );
});
