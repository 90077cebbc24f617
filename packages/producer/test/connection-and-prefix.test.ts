import { freePort, startRedisServer, waitFor } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { SmsProducer, SmsProducerError, type SmsProducerOptions } from "../src/index.js";
import { useRedis } from "./redis-fixture.js";

const fixture = useRedis();

const input = { to: "0612345678", content: "Hallo!", sender: "MyShop" };

function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("connection", () => {
  it("accepts ioredis options", async () => {
    const { port } = new URL(fixture.server().url);
    const { sms } = fixture.producer({ connection: { host: "127.0.0.1", port: Number(port) } });
    await expect(sms.send(input)).resolves.toMatchObject({ deduplicated: false });
  });

  it("uses a Redis instance it is handed and leaves it open", async () => {
    const client = new Redis(fixture.server().url);
    fixture.onCleanup(() => client.quit());
    const prefix = fixture.server().uniquePrefix("instance");
    const sms = new SmsProducer({ connection: client, prefix });
    const receipt = await sms.send(input);
    await sms.close();
    expect(client.status).toBe("ready");
    expect(await client.exists(`${prefix}:sms:${receipt.id}`)).toBe(1);
  });

  it("stores keys under the prefix, and under bull by default", async () => {
    const client = new Redis(fixture.server().url);
    fixture.onCleanup(() => client.quit());
    const prefix = `{${fixture.server().uniquePrefix("tagged")}}`;
    const { sms } = fixture.producer({ prefix });
    const receipt = await sms.send(input);
    expect(await client.exists(`${prefix}:sms:${receipt.id}`)).toBe(1);
    expect(await client.exists(`bull:sms:${receipt.id}`)).toBe(0);

    const plain = new SmsProducer({ connection: fixture.server().url });
    fixture.onCleanup(() => plain.close());
    const other = await plain.send(input);
    expect(await client.exists(`bull:sms:${other.id}`)).toBe(1);
  });

  it("fails fast with SMS_QUEUE_UNAVAILABLE when Redis is not there, and closes", async () => {
    const port = await freePort();
    const sms = new SmsProducer({ connection: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 });
    const error = await errorOf(sms.send(input));
    expect(error).toBeInstanceOf(SmsProducerError);
    expect((error as SmsProducerError).code).toBe("SMS_QUEUE_UNAVAILABLE");
    expect((error as SmsProducerError).message).not.toContain("\n");
    expect(((await errorOf(sms.status("x"))) as SmsProducerError).code).toBe(
      "SMS_QUEUE_UNAVAILABLE",
    );
    await sms.close();
    expect(((await errorOf(sms.send(input))) as SmsProducerError).code).toBe("SMS_PRODUCER_CLOSED");
  });

  it("fails fast and closes with a handed-in instance that cannot connect", async () => {
    const port = await freePort();
    const client = new Redis(port, "127.0.0.1", { lazyConnect: true, enableOfflineQueue: false });
    client.on("error", () => {});
    const sms = new SmsProducer({ connection: client, connectTimeoutMs: 300 });
    const error = (await errorOf(sms.send(input))) as SmsProducerError;
    expect(error.code).toBe("SMS_QUEUE_UNAVAILABLE");
    await sms.close();
    expect(client.status).not.toBe("end");
    client.disconnect();
  });

  it("fails sends while Redis is down and works again once it is back", async () => {
    const redis = await startRedisServer();
    fixture.onCleanup(() => redis.close());
    const sms = new SmsProducer({ connection: redis.url, connectTimeoutMs: 300 });
    fixture.onCleanup(() => sms.close());
    await sms.send(input);

    await redis.stop({ hard: true });
    const error = (await errorOf(sms.send(input))) as SmsProducerError;
    expect(error.code).toBe("SMS_QUEUE_UNAVAILABLE");

    await redis.start();
    const receipt = await waitFor(() => sms.send(input).catch(() => undefined), {
      timeoutMs: 15_000,
      description: "a send after Redis came back",
    });
    expect(receipt.deduplicated).toBe(false);
  });
});

describe("options", () => {
  const cases: Array<{ options: Partial<SmsProducerOptions>; says: RegExp }> = [
    { options: { maxSegments: 0 }, says: /maxSegments: .*got 0/ },
    { options: { maxSegments: 2.5 }, says: /maxSegments: .*got 2\.5/ },
    { options: { maxContentLength: -1 }, says: /maxContentLength: .*got -1/ },
    { options: { prefix: "" }, says: /prefix: / },
    {
      options: { defaultSender: "ABCDEFGHIJKL" },
      says: /defaultSender: must have at most 11 characters; got 12 \("ABCDEFGHIJKL"\)/,
    },
    { options: { smartEncoding: "yes" as unknown as boolean }, says: /smartEncoding: / },
    { options: { connectTimeoutMs: 0 }, says: /connectTimeoutMs: / },
    { options: { connection: 42 as unknown as string }, says: /connection: / },
  ];

  it.each(cases)("rejects $options", ({ options, says }) => {
    const build = () => new SmsProducer({ connection: "redis://127.0.0.1:1", ...options });
    expect(build).toThrow(SmsProducerError);
    expect(build).toThrow(says);
    try {
      build();
    } catch (error) {
      expect((error as SmsProducerError).code).toBe("SMS_INVALID_OPTIONS");
    }
  });

  it("names a bad KPN_MAX_CONTENT_LENGTH", () => {
    const previous = process.env.KPN_MAX_CONTENT_LENGTH;
    process.env.KPN_MAX_CONTENT_LENGTH = "lots";
    try {
      expect(() => new SmsProducer({ connection: "redis://127.0.0.1:1" })).toThrow(
        /KPN_MAX_CONTENT_LENGTH: .*"lots"/,
      );
    } finally {
      if (previous === undefined) delete process.env.KPN_MAX_CONTENT_LENGTH;
      else process.env.KPN_MAX_CONTENT_LENGTH = previous;
    }
  });

  it("never shows the connection URL, which may hold a password", () => {
    expect(
      () => new SmsProducer({ connection: "redis://:secret@127.0.0.1:1", maxSegments: 0 }),
    ).toThrow(/^(?!.*secret)/);
  });
});
