import { Agent } from "undici";
import { describe, expect, it } from "vitest";
import { oneSms, rejection } from "./support/client.js";
import { json } from "./support/fake-kpn.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

describe("connection reuse", () => {
  const fake = useFakeKpn();

  // undici may open a second socket when a request follows the previous one before the first
  // socket is marked idle again (the token request, then the first send): allow for that one.
  it("many sequential sends go over one or two kept-alive sockets", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn);
    for (let i = 0; i < 200; i += 1) await client.send(oneSms);
    expect(kpn.sendRequests).toHaveLength(200);
    expect(kpn.connections).toBeLessThanOrEqual(2);
  });

  it("error answers are read to the end too, so their sockets are reused", async () => {
    const kpn = await fake.start({
      send: (_request, response) =>
        json(response, 400, { errorResponse: { code: "X", message: "y".repeat(20_000) } }),
    });
    const client = fake.client(kpn);
    for (let i = 0; i < 50; i += 1) await rejection(client.send(oneSms));
    expect(kpn.connections).toBeLessThanOrEqual(2);
  });

  it("concurrent sends open at most `connections` sockets", async () => {
    const kpn = await fake.start();
    const client = fake.client(kpn, { connections: 4 });
    await Promise.all(Array.from({ length: 200 }, () => client.send(oneSms)));
    expect(kpn.sendRequests).toHaveLength(200);
    expect(kpn.connections).toBeLessThanOrEqual(4);
  });

  it("an injected dispatcher is used and left open by close()", async () => {
    const kpn = await fake.start();
    const agent = fake.closeAfter(new Agent({ connections: 2 }));
    const client = fake.client(kpn, { dispatcher: agent });
    await client.send(oneSms);
    await client.close();
    // The agent still works for its owner after the client is gone.
    const response = await agent.request({
      origin: kpn.url,
      path: "/communication/kpn/sms/send",
      method: "POST",
    });
    await response.body.dump();
    expect(response.statusCode).toBe(401);
    expect(kpn.connections).toBeLessThanOrEqual(2);
  });
});
