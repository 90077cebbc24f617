import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { z } from "zod";
import { ADMIN_PREFIX, createAdminHandler } from "./admin-routes.js";
import type { SandboxContext } from "./context.js";
import { createDeliveryReporter } from "./delivery-reporter.js";
import { SandboxOptionsError } from "./errors.js";
import { describeIssues, resolveFaults } from "./faults.js";
import { notFound } from "./http.js";
import { createPrng } from "./prng.js";
import { Recorder } from "./recorder.js";
import { createSendHandler, SEND_PATHS } from "./send-route.js";
import { handleTokenRequest, TOKEN_PATH } from "./token-route.js";
import { createTokenStore } from "./tokens.js";
import type { KpnSandbox, SandboxDeliveryReports, SandboxFaults, SandboxOptions } from "./types.js";

/** Defaults of {@link SandboxOptions}. */
export const DEFAULT_SANDBOX_OPTIONS = {
  clientId: "sandbox",
  clientSecret: "sandbox",
  maxContentLength: 1000,
  maxMessages: 200,
  maxRecorded: 1_000_000,
} as const satisfies SandboxOptions;

const positiveInt = z.number().int().positive();
const optionsSchema = z.object({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  maxContentLength: positiveInt.optional(),
  maxMessages: positiveInt.optional(),
  maxRecorded: positiveInt.optional(),
});

// Token draws use their own stream, derived from the seed, so token requests do not shift sends.
const TOKEN_STREAM = 0x9e3779b9;

/**
 * Creates a stand-in for the KPN SMS API (token endpoint, both send paths, admin routes under
 * `/_sandbox/`, signed delivery reports to each send's `webhook_url`). Call `listen()` to start it.
 * @throws SandboxOptionsError (`SANDBOX_INVALID_OPTIONS` / `SANDBOX_INVALID_FAULTS` /
 * `SANDBOX_INVALID_DELIVERY_REPORTS`)
 * @example
 * const sandbox = createSandbox({ faults: { rate429: 0.2, seed: 7 } });
 * const { url } = await sandbox.listen();
 * // … point the client at `url`, then:
 * sandbox.received(); // accepted sends
 * await sandbox.close();
 */
export function createSandbox(options: SandboxOptions = {}): KpnSandbox {
  const checked = optionsSchema.safeParse(options);
  if (!checked.success) {
    throw new SandboxOptionsError(
      "SANDBOX_INVALID_OPTIONS",
      `Invalid sandbox options: ${describeIssues(checked.error)}`,
      { cause: checked.error },
    );
  }
  const settings = { ...DEFAULT_SANDBOX_OPTIONS, ...stripUndefined(checked.data) };
  const faults = resolveFaults(options.faults);
  const logger = options.logger ?? pino({ level: "silent" });
  const reports = createDeliveryReporter({
    settings: options.deliveryReports,
    logger,
    maxRecorded: settings.maxRecorded,
  });
  const ctx: SandboxContext = {
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    maxContentLength: settings.maxContentLength,
    maxMessages: settings.maxMessages,
    logger,
    tokens: createTokenStore(),
    recorder: new Recorder(settings.maxRecorded),
    reports,
    faults,
    sendRandom: createPrng(faults.seed),
    tokenRandom: createPrng(faults.seed ^ TOKEN_STREAM),
    timers: new Set(),
    hanging: new Set(),
    closing: false,
  };
  const handleSend = createSendHandler(ctx);
  const sendPaths = new Set<string>(SEND_PATHS);
  let url: string | undefined;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const raw = req.url ?? "/";
    const mark = raw.indexOf("?");
    const path = mark < 0 ? raw : raw.slice(0, mark);
    const query = mark < 0 ? "" : raw.slice(mark + 1);
    if (sendPaths.has(path)) handleSend(req, res, path);
    else if (path === TOKEN_PATH) handleTokenRequest(ctx, req, res, query);
    else if (path.startsWith(ADMIN_PREFIX)) handleAdmin(req, res, path, query);
    else {
      // Drain the body so that a keep-alive connection stays usable after the 404.
      req.resume();
      notFound(res, path);
    }
  }

  const server = createServer(handle);
  // Longer than undici's 4 s default, so that the client, not the server, closes idle sockets.
  server.keepAliveTimeout = 10_000;

  const sandbox: KpnSandbox = {
    server,
    get url() {
      if (url === undefined) {
        throw new SandboxOptionsError("SANDBOX_NOT_LISTENING", "The sandbox is not listening");
      }
      return url;
    },
    listen(port = 0, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
          url = `http://${shown}:${address.port}`;
          ctx.closing = false;
          ctx.logger.debug({ url }, "KPN sandbox listening");
          resolve({ url, port: address.port });
        });
      });
    },
    received: () => ctx.recorder.received.slice(),
    requests: () => ctx.recorder.requests.slice(),
    stats: () => ctx.recorder.stats(),
    clear() {
      ctx.recorder.clear();
      reports.ledger.clear();
    },
    setFaults(next: SandboxFaults) {
      const resolved = resolveFaults(next);
      ctx.faults = resolved;
      ctx.sendRandom = createPrng(resolved.seed);
      ctx.tokenRandom = createPrng(resolved.seed ^ TOKEN_STREAM);
    },
    faults: () => ({ ...ctx.faults }),
    expireTokens: () => ctx.tokens.expireAll(),
    setDeliveryReports: (next: SandboxDeliveryReports) => reports.setSettings(next),
    deliveryReports: () => reports.settings(),
    // Copies: the ledger's entries keep changing while retries run.
    sentReports: (filter) => structuredClone(reports.ledger.list(filter)),
    reportOutcomes: (filter) => reports.ledger.outcomes(filter),
    deliveryReportStats: () => reports.stats(),
    reportsSettled: (timeoutMs = 10_000) => reports.settled(timeoutMs),
    close() {
      ctx.closing = true;
      reports.stop();
      for (const timer of ctx.timers) clearTimeout(timer);
      ctx.timers.clear();
      for (const socket of ctx.hanging) socket.destroy();
      ctx.hanging.clear();
      if (!server.listening) return Promise.resolve();
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // close() alone waits for keep-alive and in-flight sockets; a test teardown must not.
        server.closeAllConnections();
      });
    },
  };

  const handleAdmin = createAdminHandler(sandbox, {
    received: (since, limit) => ctx.recorder.received.slice(since, limit),
    requests: (since, limit) => ctx.recorder.requests.slice(since, limit),
  });
  return sandbox;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
