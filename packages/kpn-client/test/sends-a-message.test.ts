import { describe, expect, it } from "vitest";
import { KPN_CLIENT_VERSION } from "../src/index.js";
import { oneSms } from "./support/client.js";
import { CLIENT_ID, CLIENT_SECRET, json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

describe("sending a message", () => {
  const fake = useFakeKpn();

  it("fetches a token with client credentials and posts the messages with it", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);

    const result = await client.send({
      sender: "MyShop",
      messages: [
        { content: "Hallo!", mobileNumber: "+31612345678" },
        { content: "Tot ziens", mobileNumber: "+31687654321" },
      ],
      webhookUrl: "https://example.com/dlr",
      expireInSeconds: 3600,
    });

    expect(result.status).toBe(200);
    expect(result.documentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);

    const [tokenRequest] = kpn.tokenRequests;
    expect(tokenRequest?.method).toBe("POST");
    expect(tokenRequest?.query.get("grant_type")).toBe("client_credentials");
    expect(tokenRequest?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(tokenRequest?.body);
    expect(form.get("client_id")).toBe(CLIENT_ID);
    expect(form.get("client_secret")).toBe(CLIENT_SECRET);

    const [sendRequest] = kpn.sendRequests;
    expect(sendRequest?.path).toBe("/communication/kpn/sms/send");
    expect(sendRequest?.headers.authorization).toMatch(/^Bearer token-1-/);
    expect(sendRequest?.headers["content-type"]).toBe("application/json");
    expect(sendRequest?.headers["user-agent"]).toBe(`sms-relay/${KPN_CLIENT_VERSION}`);
    expect(JSON.parse(sendRequest?.body ?? "")).toEqual({
      messages: [
        { content: "Hallo!", mobile_number: "+31612345678" },
        { content: "Tot ziens", mobile_number: "+31687654321" },
      ],
      sender: "MyShop",
      webhook_url: "https://example.com/dlr",
      expirein: "3600",
    });
  });

  it("leaves out webhook_url and expirein when not given", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    await client.send(oneSms);
    expect(Object.keys(JSON.parse(kpn.sendRequests[0]?.body ?? "{}"))).toEqual([
      "messages",
      "sender",
    ]);
  });

  it("accepts 201 and 202 answers that carry a document_id", async () => {
    const kpn = await fake.start({
      send: (_request, response, n) =>
        json(response, n === 1 ? 201 : 202, { document_id: `doc-${n}`, status: "OK" }),
    });
    const client = fake.client(kpn);
    expect(await client.send(oneSms)).toMatchObject({ documentId: "doc-1", status: 201 });
    expect(await client.send(oneSms)).toMatchObject({ documentId: "doc-2", status: 202 });
  });

  it("uses the legacy send path, a base path prefix and a trailing slash in baseUrl", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn, {
      baseUrl: `${kpn.url}/gateway/`,
      sendPath: "/messaging/sms-kpn/v1/send",
      userAgent: "my-app/2.0",
    });
    await client.send(oneSms);
    expect(kpn.tokenRequests[0]?.path).toBe("/gateway/oauth/client_credential/accesstoken");
    expect(kpn.sendRequests[0]?.path).toBe("/gateway/messaging/sms-kpn/v1/send");
    expect(kpn.sendRequests[0]?.headers["user-agent"]).toBe("my-app/2.0");
  });

  it("keeps content exactly as given, emoji and Dutch diacritics included", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    const content = "Ideeën uit België 👍🏽 “quotes” — en…";
    await client.send({ sender: "Shop", messages: [{ content, mobileNumber: "+31612345678" }] });
    expect(JSON.parse(kpn.sendRequests[0]?.body ?? "{}").messages[0].content).toBe(content);
  });
});
