import type { Tracer } from "@opentelemetry/api";
import { deliveryKeys, newDeliveryReference } from "@sms-relay/producer";
import { createLogger } from "@sms-relay/runtime";
import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { createReceiptsServer, type ReceiptsServer } from "../src/create-server.js";
import { createReceiptsRedis } from "../src/redis-connection.js";
import { signWebhookBody, type WebhookKey } from "../src/webhook-keys.js";

export const KEY: WebhookKey = { id: "key-2025", secret: "first-secret" };
export const TO = "+31612345678";
/** 2025-12-01T14:40:00Z in epoch seconds, as KPN sends `StatusDateTime`. */
export const AT = 1_764_600_000;

/** The sandbox's report shape. */
export function kpnReport(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    DLRID: crypto.randomUUID(),
    document_id: "doc-1",
    RecipientPhonenumber: TO,
    Status: 1,
    StatusDescription: "Delivered",
    StatusDateTime: AT,
    ErrorCode: "000",
    ...fields,
  };
}

export interface ReceiptsHarness {
  url(): string;
  redis(): TestRedis;
  /** An inspection client (not the app's). */
  client(): Redis;
  app(): ReceiptsServer;
  /** The app's own connection. */
  appRedis(): Redis;
  prefix: string;
  /** Writes a reference hash as the worker does before a send; returns the reference. */
  sentSms(jobs: Record<string, string>, extra?: Record<string, string>): Promise<string>;
  /** POSTs a body, signed with `key` unless `key` is `null`. */
  post(
    reference: string,
    body: unknown,
    options?: { key?: WebhookKey | null; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Every key under the prefix but the reference hashes the test wrote. */
  storedKeys(): Promise<string[]>;
}

/** One Redis and one receipts server per test file, on a fresh prefix. */
export function useReceipts(
  options: { keys?: readonly WebhookKey[] | false; appendOnly?: boolean; tracer?: Tracer } = {},
): ReceiptsHarness {
  let redis: TestRedis | undefined;
  let client: Redis | undefined;
  let appRedis: Redis | undefined;
  let app: ReceiptsServer | undefined;
  let url = "";
  const prefix = `receipts${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    redis = await startTestRedis({ appendOnly: options.appendOnly });
    client = new Redis(redis.url);
    client.on("error", () => {});
    appRedis = createReceiptsRedis({ url: redis.url, commandTimeoutMs: 2000 }) as Redis;
    appRedis.on("error", () => {});
    await waitFor(() => appRedis?.status === "ready");
    app = createReceiptsServer({
      redis: appRedis,
      prefix,
      keys: options.keys ?? [KEY],
      logger: createLogger({ service: "receipts-test", level: "silent" }),
      ...(options.tracer ? { tracer: options.tracer } : {}),
    });
    url = await app.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    await app?.close();
    appRedis?.disconnect();
    client?.disconnect();
    await redis?.close();
  });

  const must = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("not started");
    return value;
  };

  return {
    url: () => url,
    redis: () => must(redis),
    client: () => must(client),
    app: () => must(app),
    appRedis: () => must(appRedis),
    prefix,
    async sentSms(jobs, extra = {}) {
      const reference = newDeliveryReference();
      const key = deliveryKeys(prefix).reference(reference);
      await must(client).hset(key, { ...jobs, ...extra });
      await must(client).expire(key, 3600);
      return reference;
    },
    post(reference, body, { key = KEY, headers = {} } = {}) {
      const raw = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      const signed: Record<string, string> = key
        ? {
            "x-kpn-webhook-key-id": key.id,
            "x-kpn-webhook-signature": signWebhookBody(key.secret, raw),
            "x-kpn-webhook-timestamp": String(Math.floor(Date.now() / 1000)),
            "x-kpn-webhook-attempt": "1",
          }
        : {};
      return fetch(`${url}/kpn/dlr/${reference}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...signed, ...headers },
        body: raw,
      });
    },
    async storedKeys() {
      const keys = await must(client).keys(`${prefix}:*`);
      return keys.filter((key) => !key.startsWith(`${prefix}:sms:dlr:ref:`)).sort();
    },
  };
}

/** The value of one metric line (`name{labels} value`) in a /metrics text, or 0. */
export async function metricValue(url: string, line: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}
