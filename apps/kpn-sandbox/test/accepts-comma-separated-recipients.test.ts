import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

describe("comma-separated recipients (the Bulk function)", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startSandbox({ maxMessages: 5 });
  });
  afterAll(() => t.close());

  const withNumbers = (...numbers: string[]) =>
    validBody({ messages: numbers.map((n, i) => ({ content: `m${i}`, mobile_number: n })) });

  it("accepts a comma-separated list of numbers in one message", async () => {
    expect(await t.sendStatus(withNumbers("0612345678,+31687654321,0031611111111"))).toBe(200);
    expect(t.sandbox.received().at(-1)?.messages[0]?.mobileNumber).toBe(
      "0612345678,+31687654321,0031611111111",
    );
  });

  it("refuses a bad number in a list, naming its position", async () => {
    const res = await t.send(withNumbers("0612345678", "0687654321,0612"));
    expect(res.status).toBe(400);
    const body = await json<{ errorResponse: { code: string; message: string; info: string } }>(
      res,
    );
    expect(body.errorResponse.code).toBe("INVALID_MOBILE_NUMBER");
    expect(body.errorResponse.info).toBe("messages[1].mobile_number[1]");
    expect(body.errorResponse.message).toContain("entry 2 of 2");
  });

  it.each([["0612345678,"], [",0612345678"], ["0612345678, 0687654321"]])(
    "refuses the list %j",
    async (list) => {
      const res = await t.send(withNumbers(list));
      expect(res.status).toBe(400);
      expect((await json<{ errorResponse: { info: string } }>(res)).errorResponse.info).toMatch(
        /^messages\[0\]\.mobile_number\[\d\]$/,
      );
    },
  );

  it("counts messages × recipients against the limit", async () => {
    expect(
      await t.sendStatus(withNumbers("0612345678,0687654321", "0611111111,0622222222,0633333333")),
    ).toBe(200);
    const res = await t.send(
      withNumbers("0612345678,0687654321,0611111111", "0622222222,0633333333,0644444444"),
    );
    expect(res.status).toBe(400);
    const body = await json<{ errorResponse: { code: string; info: string } }>(res);
    expect(body.errorResponse).toMatchObject({
      code: "TOO_MANY_RECIPIENTS",
      info: "messages[1].mobile_number",
    });
  });
});
