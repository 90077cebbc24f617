import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  json,
  LEGACY_SEND_PATH,
  SEND_PATH,
  startSandbox,
  type TestSandbox,
  validBody,
} from "./support/sandbox-client.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("accepted sends", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startSandbox();
  });
  afterAll(() => t.close());

  it.each([SEND_PATH, LEGACY_SEND_PATH])("answers 200 with a document_id on %s", async (path) => {
    t.sandbox.clear();
    const before = Date.now();
    const body = validBody({
      messages: [
        { content: "Je pakket komt morgen", mobile_number: "+31612345678" },
        { content: "Ideeën? België!", mobile_number: "0687654321" },
      ],
    });
    const res = await t.send(body, { path });
    expect(res.status).toBe(200);
    const answer = await json<{ document_id: string; status: string }>(res);
    expect(answer.status).toBe("OK");
    expect(answer.document_id).toMatch(UUID_V4);

    const [received, ...rest] = t.sandbox.received();
    expect(rest).toEqual([]);
    expect(received).toMatchObject({
      documentId: answer.document_id,
      path,
      sender: "MyShop",
      messages: [
        { content: "Je pakket komt morgen", mobileNumber: "+31612345678" },
        { content: "Ideeën? België!", mobileNumber: "0687654321" },
      ],
      answeredStatus: 200,
    });
    expect(received?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(received).not.toHaveProperty("webhookUrl");
  });

  it("issues a different document_id per send and keeps them in order", async () => {
    t.sandbox.clear();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.send(
        validBody({ messages: [{ content: `n${i}`, mobile_number: "0612345678" }] }),
      );
      ids.push((await json<{ document_id: string }>(res)).document_id);
    }
    expect(new Set(ids).size).toBe(5);
    expect(t.sandbox.received().map((r) => r.documentId)).toEqual(ids);
    expect(t.sandbox.received().map((r) => r.messages[0]?.content)).toEqual([
      "n0",
      "n1",
      "n2",
      "n3",
      "n4",
    ]);
  });

  it("sends Apigee quota headers", async () => {
    const res = await t.send(validBody());
    await res.arrayBuffer();
    expect(Number(res.headers.get("quota-limit"))).toBeGreaterThan(0);
    expect(Number(res.headers.get("quota-used"))).toBeGreaterThan(0);
    expect(res.headers.get("quota-interval")).toBe("1");
    expect(res.headers.get("quota-time-unit")).toBe("second");
    expect(Number(res.headers.get("quota-reset-UTC"))).toBeGreaterThan(Date.now() - 1000);
  });

  it("answers 405 to another method on a send path", async () => {
    const res = await fetch(`${t.url}${SEND_PATH}`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    await res.arrayBuffer();
  });

  it("answers 404 with a gateway fault for an unknown path", async () => {
    const res = await fetch(`${t.url}/messaging/sms-kpn/v2/send`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    const body = await json<{ fault: { detail: { errorcode: string } } }>(res);
    expect(body.fault.detail.errorcode).toBe("messaging.adaptors.http.flow.ApplicationNotFound");
  });

  it("keeps a keep-alive connection usable across answers", async () => {
    for (let i = 0; i < 20; i++) {
      expect(await t.sendStatus(i % 2 ? validBody() : validBody({ sender: "" }))).toBe(
        i % 2 ? 200 : 400,
      );
    }
  });
});
