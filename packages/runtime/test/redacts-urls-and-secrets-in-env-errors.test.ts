import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeEnvIssues, redactUrl, redisUrlSchema, withoutEmpty } from "../src/index.js";

describe("redactUrl", () => {
  it.each([
    ["redis://:hunter2@redis.internal:6379", "redis://:****@redis.internal:6379"],
    ["redis://app:hunter2@redis.internal:6379/0", "redis://app:****@redis.internal:6379/0"],
    ["http://app:hunter2@redis.internal:6379", "http://app:****@redis.internal:6379"],
    ["redis://127.0.0.1:6379", "redis://127.0.0.1:6379"],
  ])("masks the password of %s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it.each(["redis//app:hunter2@host:6379", "::app:hunter2@host", "redis://app:hunter2@[bad host"])(
    "scrubs credentials from an unparseable value %s",
    (input) => {
      expect(redactUrl(input)).not.toContain("hunter2");
    },
  );
});

describe("describeEnvIssues", () => {
  const schema = z.object({ REDIS_URL: redisUrlSchema(), TOKEN: z.string().min(10) });

  it("names the variable and never shows a Redis password, even with a wrong scheme", () => {
    const input = withoutEmpty({ REDIS_URL: "http://app:s3cr3t-pw@redis:6379", TOKEN: "short" });
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const described = describeEnvIssues(parsed.error.issues, input, {
      secrets: new Set(["TOKEN"]),
    });
    expect(described.variables).toEqual(["REDIS_URL", "TOKEN"]);
    expect(described.message).toContain("REDIS_URL must be a URL starting with redis://");
    expect(described.message).toContain("http://app:****@redis:6379");
    expect(described.message).toContain("TOKEN");
    expect(described.message).toContain("(value hidden)");
    expect(described.message).not.toContain("s3cr3t-pw");
    expect(described.message).not.toContain("short");
  });

  it("treats empty and blank variables as unset", () => {
    expect(withoutEmpty({ A: "", B: "  ", C: " x ", D: undefined })).toEqual({ C: "x" });
  });
});
