/**
 * A receiver of delivery reports in a process of its own, so that it does not share an event
 * loop with the load generator (KPN posts from another machine): `subject` is the receipts app
 * through `startReceipts`, configured as its `main` would be from the environment; `baseline` is
 * the bare `node:http` receiver of `bare-receipts.mjs`. Reports its URL over IPC once its Redis
 * is ready, and exits when its parent goes away.
 *
 * Argument: JSON of {@link ReceiverSettings}.
 */
import { parseReceiptsEnv, startReceipts } from "@sms-relay/receipts";
import { closeHttp, createLogger, listenHttp } from "@sms-relay/runtime";
import { Redis } from "ioredis";
import { createBareReceiptsServer } from "./bare-receipts.mjs";

/**
 * @typedef {object} ReceiverSettings
 * @property {"baseline" | "subject"} mode
 * @property {string} redisUrl
 * @property {string} keyId `X-KPN-Webhook-Key-Id` of the signed reports
 * @property {string} secret their HMAC secret
 */

const READY_TIMEOUT_MS = 10_000;

/** @type {ReceiverSettings} */
const settings = JSON.parse(process.argv[2] ?? "{}");

/** @returns {Promise<{ url: string, close: () => Promise<void> }>} */
async function startSubject() {
  // Only these variables, so that nothing in the bench's own environment changes what is run.
  const config = parseReceiptsEnv({
    KPN_WEBHOOK_KEYS: `${settings.keyId}:${settings.secret}`,
    REDIS_URL: settings.redisUrl,
    RECEIPTS_PORT: "0",
    RECEIPTS_HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
  });
  const running = await startReceipts(
    config,
    createLogger({ service: "sms-relay-receipts", level: config.logLevel }),
  );
  // The app answers 503 until its Redis connection is up; measure it only from then on.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while ((await fetch(`${running.url}/readyz`)).status !== 200) {
    if (Date.now() > deadline) throw new Error("the receipts app never became ready");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return running;
}

/** @returns {Promise<{ url: string, close: () => Promise<void> }>} */
async function startBaseline() {
  const redis = new Redis(settings.redisUrl, { enableOfflineQueue: false });
  await new Promise((resolve, reject) => {
    redis.once("ready", resolve);
    redis.once("error", reject);
  });
  const server = createBareReceiptsServer({ redis, secret: settings.secret });
  const { url } = await listenHttp(server, 0, "127.0.0.1");
  return {
    url,
    close: async () => {
      await closeHttp(server);
      redis.disconnect();
    },
  };
}

const receiver = settings.mode === "subject" ? await startSubject() : await startBaseline();
process.on("disconnect", () => {
  // A normal exit, so that a `--cpu-prof` profile of this process gets written.
  void receiver.close().finally(() => process.exit(0));
});
process.send?.({ url: receiver.url });
