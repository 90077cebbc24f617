import {
  createKpnClient,
  isKpnError,
  type KpnClient,
  type KpnClientOptions,
  type KpnError,
  type SendSmsRequest,
} from "../../src/index.js";
import { CLIENT_ID, CLIENT_SECRET, type FakeKpn } from "./fake-kpn.js";

export const oneSms: SendSmsRequest = {
  sender: "MyShop",
  messages: [{ content: "Hallo!", mobileNumber: "+31612345678" }],
};

/** A client for the fake API; `useFakeKpn` closes the ones it makes after each test. */
export function clientFor(
  kpn: Pick<FakeKpn, "url">,
  overrides: Partial<KpnClientOptions> = {},
): KpnClient {
  return createKpnClient({
    baseUrl: kpn.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    ...overrides,
  });
}

/** The KpnError `promise` rejects with; fails the test when it resolves or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<KpnError> {
  try {
    await promise;
  } catch (error) {
    if (isKpnError(error)) return error;
    throw error;
  }
  throw new Error("expected the promise to reject with a KpnError, but it resolved");
}
