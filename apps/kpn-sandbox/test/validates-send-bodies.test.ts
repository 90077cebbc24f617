import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

type ErrorBody = { errorResponse: { code: string; message: string; info: string } };

const message = (mobile_number: unknown, content: unknown = "Hallo!") => ({
  content,
  mobile_number,
});

describe("send validation", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startSandbox();
  });
  afterAll(() => t.close());

  async function rejected(body: unknown, headers?: Record<string, string>): Promise<ErrorBody> {
    const res = await t.send(body, headers ? { headers } : {});
    expect(res.status).toBe(400);
    const parsed = await json<ErrorBody>(res);
    expect(parsed.errorResponse.message).toBeTypeOf("string");
    return parsed;
  }

  it.each([
    ["0612345678"],
    ["+31612345678"],
    ["0031612345678"],
    ["0682345678"],
    ["097012345678"],
    ["+3197012345678"],
    ["003197012345678"],
  ])("accepts the mobile number %s", async (number) => {
    expect(await t.sendStatus(validBody({ messages: [message(number)] }))).toBe(200);
  });

  it.each([
    ["316 without a prefix", "31612345678"],
    ["the 060 range", "0602345678"],
    ["the 067 range", "0672345678"],
    ["the 069 range", "0692345678"],
    ["too few digits", "061234567"],
    ["too many digits", "06123456789"],
    ["spaces", "06 12345678"],
    ["a 097 number one digit short", "+319701234567"],
    ["a landline", "0201234567"],
    ["a Belgian mobile", "+32470123456"],
    ["a number, not a string", 31612345678],
    ["an empty string", ""],
  ])("refuses a mobile number with %s", async (_name, number) => {
    const body = await rejected(validBody({ messages: [message("0612345678"), message(number)] }));
    expect(body.errorResponse.info).toBe("messages[1].mobile_number");
  });

  it("refuses a message without mobile_number", async () => {
    const body = await rejected(validBody({ messages: [{ content: "Hallo!" }] }));
    expect(body.errorResponse.info).toBe("messages[0].mobile_number");
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["not a string", 42],
  ])("refuses content that is %s", async (_name, content) => {
    const body = await rejected(
      validBody({ messages: [{ mobile_number: "0612345678", content }] }),
    );
    expect(body.errorResponse.code).toBe("INVALID_CONTENT");
    expect(body.errorResponse.info).toBe("messages[0]");
  });

  it("accepts content of exactly maxContentLength and refuses one more", async () => {
    const at = "x".repeat(1000);
    expect(await t.sendStatus(validBody({ messages: [message("0612345678", at)] }))).toBe(200);
    const body = await rejected(validBody({ messages: [message("0612345678", `${at}x`)] }));
    expect(body.errorResponse.code).toBe("CONTENT_TOO_LONG");
    expect(body.errorResponse.info).toBe("messages[0].content");
  });

  it.each([
    ["absent", undefined],
    ["an empty array", []],
    ["not an array", { content: "x", mobile_number: "0612345678" }],
  ])("refuses messages that are %s", async (_name, messages) => {
    const body = await rejected(validBody({ messages }));
    expect(body.errorResponse.code).toBe("MISSING_MESSAGES");
    expect(body.errorResponse.info).toBe("messages");
  });

  it("accepts 200 messages in one send and refuses 201", async () => {
    const many = (n: number) => Array.from({ length: n }, () => message("0612345678"));
    expect(await t.sendStatus(validBody({ messages: many(200) }))).toBe(200);
    const body = await rejected(validBody({ messages: many(201) }));
    expect(body.errorResponse.code).toBe("TOO_MANY_MESSAGES");
  });

  it("refuses a message that is not an object", async () => {
    const body = await rejected(validBody({ messages: ["0612345678"] }));
    expect(body.errorResponse.info).toBe("messages[0]");
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["12 characters", "TwelveLetter"],
    ["not a string", 12345],
  ])("refuses a sender that is %s", async (_name, sender) => {
    const body = await rejected(validBody({ sender }));
    expect(body.errorResponse.code).toBe("INVALID_SENDER");
    expect(body.errorResponse.info).toBe("sender");
  });

  it("accepts a sender of 11 characters", async () => {
    expect(await t.sendStatus(validBody({ sender: "ElevenChars" }))).toBe(200);
  });

  it.each([["ftp://example.com/hook"], ["not a url"], [42]])(
    "refuses webhook_url %s",
    async (webhook_url) => {
      const body = await rejected(validBody({ webhook_url }));
      expect(body.errorResponse.info).toBe("webhook_url");
    },
  );

  it.each([["3600.5"], ["abc"], [""], [3600]])("refuses expirein %s", async (expirein) => {
    const body = await rejected(validBody({ expirein }));
    expect(body.errorResponse.info).toBe("expirein");
  });

  it("accepts and records webhook_url and expirein", async () => {
    t.sandbox.clear();
    const body = validBody({ webhook_url: "https://example.com/dlr", expirein: "3600" });
    expect(await t.sendStatus(body)).toBe(200);
    expect(t.sandbox.received()[0]).toMatchObject({
      webhookUrl: "https://example.com/dlr",
      expirein: "3600",
    });
  });

  it("refuses a body that is not JSON", async () => {
    const body = await rejected('{"messages": [');
    expect(body.errorResponse.code).toBe("INVALID_JSON");
  });

  it("refuses a JSON body that is not an object", async () => {
    const body = await rejected([validBody()]);
    expect(body.errorResponse.code).toBe("INVALID_REQUEST");
  });

  it("refuses a body that is not sent as JSON", async () => {
    const body = await rejected(validBody(), { "content-type": "text/plain" });
    expect(body.errorResponse.code).toBe("INVALID_CONTENT_TYPE");
  });

  it("accepts a JSON content type with a charset", async () => {
    const res = await t.send(validBody(), {
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it("records nothing for a refused send, and counts its status", async () => {
    t.sandbox.clear();
    await rejected(validBody({ sender: "" }));
    expect(t.sandbox.received()).toEqual([]);
    expect(t.sandbox.stats()).toMatchObject({ sendRequests: 1, accepted: 0, byStatus: { 400: 1 } });
  });
});

describe("a demo account's content limit", () => {
  it("counts UTF-16 code units against maxContentLength", async () => {
    const t = await startSandbox({ maxContentLength: 160 });
    try {
      const fits = "😀".repeat(80); // 160 code units
      expect(await t.sendStatus(validBody({ messages: [message("0612345678", fits)] }))).toBe(200);
      const over = "😀".repeat(80) + "a";
      const res = await t.send(validBody({ messages: [message("0612345678", over)] }));
      expect(res.status).toBe(400);
      expect((await json<ErrorBody>(res)).errorResponse.code).toBe("CONTENT_TOO_LONG");
    } finally {
      await t.close();
    }
  });
});
