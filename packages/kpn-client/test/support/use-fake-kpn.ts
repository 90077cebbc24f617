import { afterEach } from "vitest";
import type { KpnClient, KpnClientOptions } from "../../src/index.js";
import { clientFor } from "./client.js";
import { type FakeKpn, type FakeKpnOptions, startFakeKpn } from "./fake-kpn.js";

interface Closable {
  close(): Promise<unknown>;
}

/** Starts fake APIs and clients that are closed when the test ends; see {@link useFakeKpn}. */
export interface FakeKpnFixture {
  /** Starts a fake KPN API (see `startFakeKpn`). */
  start(options?: FakeKpnOptions): Promise<FakeKpn>;
  /** A client for `kpn` (see `clientFor`). */
  client(kpn: Pick<FakeKpn, "url">, overrides?: Partial<KpnClientOptions>): KpnClient;
  /** Closes `resource` when the test ends too, such as a dispatcher handed to a client. */
  closeAfter<T extends Closable>(resource: T): T;
}

/**
 * Registers an `afterEach` that closes everything the test opened through the fixture, newest
 * first: a client before the dispatcher it was given, and both before the fake API. Closing
 * twice is harmless, so a test may close a fake API early to make it unreachable.
 */
export function useFakeKpn(): FakeKpnFixture {
  const opened: Closable[] = [];

  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
  });

  const closeAfter = <T extends Closable>(resource: T): T => {
    opened.push(resource);
    return resource;
  };

  return {
    async start(options) {
      return closeAfter(await startFakeKpn(options));
    },
    client(kpn, overrides) {
      return closeAfter(clientFor(kpn, overrides));
    },
    closeAfter,
  };
}
