/**
 * Sends through `createKpnClient().send` against undici `Pool.request` of the same POST with a
 * fixed bearer token, both to the sandbox on loopback with the same number of requests in flight.
 */
import { createKpnClient } from "@sms-relay/kpn-client";
import { mobileNumber } from "../lib/corpus.mjs";
import { createRawSender } from "../lib/raw-send.mjs";
import { runRounds, timeInFlight } from "../lib/rounds.mjs";
import { fetchSandboxToken } from "../lib/sandbox-child.mjs";
import { compareRounds } from "../lib/stats.mjs";

const SENDS = 5000;
const IN_FLIGHT = 64;
const SENDER = "SMSRelay";
const CONTENT =
  "Uw pakket wordt vandaag tussen 14:00 en 16:00 bezorgd. Volg het via https://example.nl/t/8KQ2M";

/**
 * @param {{ rounds: number, sandbox: import("../lib/sandbox-child.mjs").SandboxChild }} context
 * @returns {Promise<import("../lib/report.mjs").BenchmarkRow[]>}
 */
export async function benchKpnClientThroughput({ rounds, sandbox }) {
  const token = await fetchSandboxToken(sandbox.url);
  const raw = createRawSender({ baseUrl: sandbox.url, token, connections: IN_FLIGHT });
  const client = createKpnClient({
    baseUrl: sandbox.url,
    clientId: "sandbox",
    clientSecret: "sandbox",
    connections: IN_FLIGHT,
  });
  try {
    /** @param {number} elapsedMs */
    const perSecond = (elapsedMs) => (SENDS / elapsedMs) * 1000;
    const results = await runRounds({
      rounds,
      beforeEach: () => sandbox.clear(),
      contestants: {
        baseline: async () =>
          perSecond(
            await timeInFlight(SENDS, IN_FLIGHT, (i) => raw.send(mobileNumber(i), CONTENT, SENDER)),
          ),
        subject: async () =>
          perSecond(
            await timeInFlight(SENDS, IN_FLIGHT, (i) =>
              client.send({
                sender: SENDER,
                messages: [{ content: CONTENT, mobileNumber: mobileNumber(i) }],
              }),
            ),
          ),
      },
    });
    return [
      {
        name: "kpn-client send vs undici Pool.request",
        unit: "sends/s",
        ...compareRounds(results.baseline ?? [], results.subject ?? [], { higherIsBetter: true }),
        target: 0.8,
        details: { sends: SENDS, inFlight: IN_FLIGHT, tokenRequests: client.tokenRequests },
      },
    ];
  } finally {
    await Promise.allSettled([raw.close(), client.close()]);
  }
}
