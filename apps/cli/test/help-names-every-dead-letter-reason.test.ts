import { deadLetterReasonSchema } from "@sms-relay/producer";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/index.js";
import { cli } from "./helpers.js";

// No Redis answers here: help must not need one.
const env = { REDIS_URL: "redis://127.0.0.1:1" };
const reasons = deadLetterReasonSchema.options;

describe("help texts and dead-letter reasons", () => {
  it("knows four reasons, as the producer does", () => {
    expect(reasons).toEqual(["rejected", "exhausted", "invalid", "expired"]);
  });

  it.each([[["dlq", "--help"]], [["dlq", "list", "--help"]], [["status", "--help"]]])(
    "%j names every reason",
    async (argv) => {
      const run = await cli(argv, env);
      expect(run.code).toBe(0);
      for (const reason of reasons) expect(run.stdout).toMatch(new RegExp(`\\b${reason}\\b`));
    },
  );

  it("lists each reason with what it means in `dlq --help`", async () => {
    const run = await cli(["dlq", "--help"], env);
    for (const reason of reasons)
      expect(run.stdout).toMatch(new RegExp(`^  ${reason}\\s+\\S`, "m"));
  });

  it("names all of them wherever a help text about dead letters lists some", async () => {
    const texts = [
      ...COMMANDS.map((command) => command.help),
      (await cli(["--help"], env)).stdout,
      (await cli(["dlq", "--help"], env)).stdout,
    ];
    // "rejected" and "invalid" are plain words too (bulk's rejected rows): two or more of the
    // reasons in a text about dead letters make a list of them.
    for (const text of texts.filter((help) => /\bdead\b|dead-letter/.test(help))) {
      const named = reasons.filter((reason) => new RegExp(`\\b${reason}\\b`).test(text));
      if (named.length >= 2) expect(named, text).toEqual(reasons);
    }
  });
});
