import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

// No Redis answers here: a wrong command line is found before Redis is asked.
const env = { REDIS_URL: "redis://127.0.0.1:1" };

describe("a wrong command line", () => {
  it.each([
    [["--bogus"], 'unknown option "--bogus" (see: sms-relay --help)'],
    [["--verison"], 'unknown option "--verison", did you mean --version? (see: sms-relay --help)'],
    [["--json"], 'unknown option "--json" (see: sms-relay --help)'],
    [["stauts", "x"], 'unknown command "stauts", did you mean status? (see: sms-relay --help)'],
    [["dlq", "--bogus"], 'unknown option "--bogus" (see: sms-relay dlq --help)'],
    [
      ["dlq", "lst"],
      'unknown command "dlq lst", did you mean dlq list? (see: sms-relay dlq --help)',
    ],
    [
      ["dlq", "list", "--limt", "3"],
      'unknown option "--limt", did you mean --limit? (see: sms-relay dlq list --help)',
    ],
    [
      ["dlq", "list", "--limit", "many"],
      '--limit must be a positive whole number, got "many" (see: sms-relay dlq list --help)',
    ],
    [
      ["dlq", "purge", "--al"],
      'unknown option "--al", did you mean --all? (see: sms-relay dlq purge --help)',
    ],
    [["status", "--json=1", "x"], "--json takes no value (see: sms-relay status --help)"],
    [["bulk"], "the CSV FILE is missing (see: sms-relay bulk --help)"],
  ])("%j exits 2 with one line in the CLI's words", async (argv, message) => {
    const run = await cli(argv, env);
    expect(run).toEqual({ code: 2, stdout: "", stderr: `sms-relay: ${message}\n` });
  });
});
