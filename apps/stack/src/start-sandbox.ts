import { createSandbox, type KpnSandbox, parseSandboxEnv } from "@sms-relay/kpn-sandbox";
import { PRODUCER_DEFAULTS } from "@sms-relay/producer";
import { isAddressInUse } from "@sms-relay/runtime";
import type { Logger } from "pino";

/** The in-process KPN sandbox of sandbox mode. */
export interface StackSandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  maxContentLength: number;
  /** The key the sandbox signs its delivery reports with, as `KPN_WEBHOOK_KEYS` names it. */
  webhookKey: { keyId: string; secret: string };
  close(): Promise<void>;
}

/**
 * Starts the kpn-sandbox in this process on `SANDBOX_PORT` (8085), or on a free port when that
 * one is taken. The content limit is the one the worker will be given, so both agree.
 */
export async function startStackSandbox(options: {
  variables: Record<string, string | undefined>;
  /** `KPN_MAX_CONTENT_LENGTH` when set; `SANDBOX_MAX_CONTENT_LENGTH` wins over it. @default 1000 */
  maxContentLength?: number;
  logger: Logger;
}): Promise<StackSandbox> {
  const env = parseSandboxEnv(options.variables);
  const { port, host, logLevel: _logLevel, ...sandboxOptions } = env;
  const maxContentLength =
    env.maxContentLength ?? options.maxContentLength ?? PRODUCER_DEFAULTS.maxContentLength;
  const clientId = env.clientId ?? "sandbox";
  const clientSecret = env.clientSecret ?? "sandbox";
  const build = (): KpnSandbox =>
    createSandbox({
      ...sandboxOptions,
      clientId,
      clientSecret,
      maxContentLength,
      logger: options.logger,
    });
  let sandbox = build();
  let listening: { url: string };
  try {
    listening = await sandbox.listen(port, host);
  } catch (error) {
    if (!isAddressInUse(error) || port === 0) throw error;
    await sandbox.close().catch(() => {});
    options.logger.info({ port }, `kpn-sandbox: port ${port} is taken, using a free port`);
    sandbox = build();
    listening = await sandbox.listen(0, host);
  }
  const running = sandbox;
  return {
    url: listening.url,
    clientId,
    clientSecret,
    maxContentLength,
    webhookKey: {
      keyId: running.deliveryReports().keyId,
      secret: running.deliveryReports().secret,
    },
    close: () => running.close(),
  };
}
