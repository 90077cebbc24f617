import { freePort } from "@sms-relay/testing";
import { Cluster, Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  DeadLetterQueue,
  prefixHasHashTag,
  SmsProducer,
  type SmsProducerError,
} from "../src/index.js";

const opened: Array<Redis | Cluster> = [];

afterAll(() => {
  for (const connection of opened) connection.disconnect();
});

/** A Cluster instance that never connects: the check happens before any command is sent. */
async function idleCluster(): Promise<Cluster> {
  const cluster = new Cluster([{ host: "127.0.0.1", port: await freePort() }], {
    lazyConnect: true,
  });
  cluster.on("error", () => {});
  opened.push(cluster);
  return cluster;
}

function thrown(build: () => unknown): SmsProducerError {
  try {
    build();
  } catch (error) {
    return error as SmsProducerError;
  }
  throw new Error("expected the constructor to throw");
}

describe("a Cluster connection with a prefix that is no hash tag", () => {
  it.each([
    { prefix: undefined, shown: '"bull"' },
    { prefix: "bull", shown: '"bull"' },
    { prefix: "sms", shown: '"sms"' },
    { prefix: "{}sms", shown: '"{}sms"' },
    { prefix: "{sms", shown: '"{sms"' },
  ])("the producer refuses prefix $prefix in one line naming it", async ({ prefix, shown }) => {
    const connection = await idleCluster();
    const error = thrown(() => new SmsProducer({ connection, ...(prefix ? { prefix } : {}) }));
    expect(error.code).toBe("SMS_INVALID_OPTIONS");
    expect(error.message).toContain("prefix: ");
    expect(error.message).toContain("SMS_QUEUE_PREFIX");
    expect(error.message).toContain("{sms}");
    expect(error.message).toContain(`got ${shown}`);
    expect(error.message).not.toContain("\n");
  });

  it("the dead-letter queue refuses it too", async () => {
    const connection = await idleCluster();
    const error = thrown(() => new DeadLetterQueue({ connection, prefix: "bull" }));
    expect(error.code).toBe("SMS_INVALID_OPTIONS");
    expect(error.message).toMatch(/^invalid dead-letter queue options: prefix: .*got "bull"$/);
  });

  it("accepts hash-tagged prefixes on a cluster, and any prefix on a single Redis", async () => {
    const connection = await idleCluster();
    for (const prefix of ["{sms}", "shop{sms}", "{sms}:x"]) {
      const sms = new SmsProducer({ connection, prefix, connectTimeoutMs: 50 });
      await sms.close();
    }
    const single = new Redis(await freePort(), "127.0.0.1", { lazyConnect: true });
    single.on("error", () => {});
    opened.push(single);
    await new SmsProducer({ connection: single, prefix: "bull" }).close();
  });
});

describe("prefixHasHashTag", () => {
  it.each([
    ["{sms}", true],
    ["shop{sms}", true],
    ["{sms}{other}", true],
    ["{s}", true],
    ["bull", false],
    ["{}", false],
    ["{}{sms}", false],
    ["{sms", false],
    ["sms}", false],
    ["}{sms", false],
  ] as const)("%s → %s", (prefix, expected) => {
    expect(prefixHasHashTag(prefix)).toBe(expected);
  });
});
