import { createKpnClient, type KpnClient } from "@sms-relay/kpn-client";
import {
  createSandbox,
  type KpnSandbox,
  type SandboxDeliveryReports,
  type SandboxFaults,
} from "@sms-relay/kpn-sandbox";

/** The sandbox's credentials in tests. */
export const SANDBOX_CLIENT_ID = "sandbox-id";
export const SANDBOX_CLIENT_SECRET = "sandbox-secret-value";

export interface SandboxWithClient {
  sandbox: KpnSandbox;
  url: string;
  client: KpnClient;
  close(): Promise<void>;
}

/** A sandbox on a free port and a KPN client pointed at it. */
export async function startSandbox(
  options: {
    maxContentLength?: number;
    faults?: SandboxFaults;
    deliveryReports?: SandboxDeliveryReports;
    clientSecret?: string;
    timeoutMs?: number;
  } = {},
): Promise<SandboxWithClient> {
  const sandbox = createSandbox({
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    maxContentLength: options.maxContentLength ?? 160,
    faults: options.faults ?? {},
    ...(options.deliveryReports ? { deliveryReports: options.deliveryReports } : {}),
  });
  const { url } = await sandbox.listen(0);
  const client = createKpnClient({
    baseUrl: url,
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: options.clientSecret ?? SANDBOX_CLIENT_SECRET,
    timeoutMs: options.timeoutMs ?? 5000,
  });
  return {
    sandbox,
    url,
    client,
    async close() {
      await client.close();
      await sandbox.close();
    },
  };
}
