import { describe, expect, it } from "vitest";
import {
  deadLetterJobDataSchema,
  formatZodIssues,
  smsJobDataSchema,
  smsJobProgressSchema,
  smsJobResultSchema,
} from "../src/index.js";

const data = {
  v: 1,
  to: "+31612345678",
  content: "Hallo!",
  sender: "MyShop",
  createdAt: "2025-01-02T03:04:05.678Z",
};

describe("smsJobDataSchema", () => {
  it("accepts the contract shape, with or without an idempotency key", () => {
    expect(smsJobDataSchema.parse(data)).toEqual(data);
    expect(smsJobDataSchema.parse({ ...data, idempotencyKey: "k" })).toEqual({
      ...data,
      idempotencyKey: "k",
    });
  });

  it("strips unknown keys", () => {
    expect(smsJobDataSchema.parse({ ...data, extra: true })).toEqual(data);
  });

  it.each([
    ["to", { to: "0612345678" }],
    ["to", { to: "+32470123456" }],
    ["content", { content: "" }],
    ["sender", { sender: "ABCDEFGHIJKL" }],
    ["createdAt", { createdAt: "yesterday" }],
    ["v", { v: 2 }],
    ["idempotencyKey", { idempotencyKey: "" }],
  ])("rejects a bad %s", (field, change) => {
    const result = smsJobDataSchema.safeParse({ ...data, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual([field]);
  });
});

describe("result, progress and dead-letter schemas", () => {
  it("accept what the worker writes", () => {
    const result = {
      documentIds: ["a"],
      parts: 1,
      segments: 1,
      encoding: "GSM-7",
      sentAt: "2025-01-02T03:04:05.678Z",
    };
    expect(smsJobResultSchema.parse(result)).toEqual(result);
    expect(smsJobResultSchema.safeParse({ ...result, encoding: "UTF-8" }).success).toBe(false);
    expect(smsJobProgressSchema.parse({ documentIds: [], partsSent: 0 })).toEqual({
      documentIds: [],
      partsSent: 0,
    });
    const record = {
      v: 1,
      jobId: "j",
      message: data,
      reason: "rejected",
      error: { message: "bad", status: 400, code: "X", body: "{}" },
      attemptsMade: 1,
      documentIds: [],
      failedAt: "2025-01-02T03:04:05.678Z",
    };
    expect(deadLetterJobDataSchema.parse(record)).toEqual(record);
    const invalid = { ...record, reason: "invalid", message: { to: 42 } };
    expect(deadLetterJobDataSchema.parse(invalid)).toEqual(invalid);
    expect(deadLetterJobDataSchema.safeParse({ ...record, reason: "lost" }).success).toBe(false);
  });
});

describe("formatZodIssues", () => {
  it("joins issues into one line naming each field", () => {
    expect(
      formatZodIssues([
        { path: ["to"], message: "not a Dutch mobile number" },
        { path: ["error", "status"], message: "expected\n a number" },
        { path: [], message: "bad" },
      ]),
    ).toBe("to: not a Dutch mobile number; error.status: expected a number; input: bad");
  });
});
