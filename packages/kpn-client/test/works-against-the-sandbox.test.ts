import { createSandbox, type KpnSandbox } from "@sms-relay/kpn-sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKpnClient, type KpnClient } from "../src/index.js";
import { oneSms, rejection } from "./support/client.js";

describe("against the KPN sandbox", () => {
  let sandbox: KpnSandbox;
  let client: KpnClient;
  beforeEach(async () => {
    sandbox = createSandbox();
    const { url } = await sandbox.listen();
    client = createKpnClient({ baseUrl: url, clientId: "sandbox", clientSecret: "sandbox" });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });

  it("sends over both paths and the sandbox records what was sent", async () => {
    const { documentId } = await client.send({
      ...oneSms,
      webhookUrl: "https://example.com/dlr",
      expireInSeconds: 600,
    });
    const legacy = createKpnClient({
      baseUrl: sandbox.url,
      clientId: "sandbox",
      clientSecret: "sandbox",
      sendPath: "/messaging/sms-kpn/v1/send",
    });
    await legacy.send(oneSms);
    await legacy.close();
    const [first, second] = sandbox.received();
    expect(first).toMatchObject({
      documentId,
      sender: "MyShop",
      messages: [{ content: "Hallo!", mobileNumber: "+31612345678" }],
      webhookUrl: "https://example.com/dlr",
      expirein: "600",
    });
    expect(second?.path).toBe("/messaging/sms-kpn/v1/send");
  });

  it("reports a validation refusal as permanent, naming the field", async () => {
    const error = await rejection(client.send({ ...oneSms, sender: "MuchTooLongSender" }));
    expect(error).toMatchObject({ code: "KPN_REJECTED", kind: "permanent", status: 400 });
    expect(error.apiCode).toBeDefined();
    expect(error.message).toMatch(/^KPN API rejected the message \(400 /);
    expect(sandbox.received()).toHaveLength(0);
  });

  it.each([401, 500] as const)(
    "replaces expired tokens answered with %i without failing the send",
    async (authFaultStatus) => {
      sandbox.setFaults({ authFaultStatus });
      await client.send(oneSms);
      sandbox.expireTokens();
      await client.send(oneSms);
      expect(client.tokenRequests).toBe(2);
      expect(sandbox.received()).toHaveLength(2);
    },
  );

  it("refuses wrong credentials as an auth failure", async () => {
    const wrong = createKpnClient({ baseUrl: sandbox.url, clientId: "sandbox", clientSecret: "x" });
    const error = await rejection(wrong.send(oneSms));
    await wrong.close();
    expect(error).toMatchObject({ code: "KPN_AUTH_FAILED", kind: "auth", status: 401 });
  });

  it("classifies injected faults", async () => {
    sandbox.setFaults({ rate429: 1, retryAfterSeconds: 3 });
    expect(await rejection(client.send(oneSms))).toMatchObject({
      code: "KPN_RATE_LIMITED",
      retryAfterMs: 3000,
      ambiguous: false,
    });
    sandbox.setFaults({ rate503: 1 });
    expect(await rejection(client.send(oneSms))).toMatchObject({
      code: "KPN_SERVER_ERROR",
      ambiguous: false,
    });
    sandbox.setFaults({ rate500Sent: 1 });
    expect(await rejection(client.send(oneSms))).toMatchObject({
      code: "KPN_SERVER_ERROR",
      ambiguous: true,
    });
    sandbox.setFaults({ rateResetAfterSend: 1 });
    expect(await rejection(client.send(oneSms))).toMatchObject({
      code: "KPN_NETWORK",
      ambiguous: true,
    });
    sandbox.setFaults({ rateAuthFault: 1 });
    expect(await rejection(client.send(oneSms))).toMatchObject({ code: "KPN_AUTH_FAILED" });
    // The two after-accept faults did reach the API: exactly what `ambiguous` warns about.
    expect(sandbox.received().map((send) => send.answeredStatus)).toEqual([500, 0]);
  });
});
