/**
 * The KPN sandbox in a process of its own, so that serving requests does not share an event loop
 * with the code being measured (the real API is on another machine too). Controlled over IPC by
 * `sandbox-child.mjs`; exits when its parent goes away.
 *
 * Argument (optional): JSON of the sandbox faults to start with, such as `{"latencyMs":100}`.
 */
import { createSandbox } from "@sms-relay/kpn-sandbox";

// Enough for one round; the parent clears it between rounds so memory stays flat.
const MAX_RECORDED = 20_000;

// No delivery reports: benchmarks that ask for them measure the sender's side only.
const sandbox = createSandbox({
  maxRecorded: MAX_RECORDED,
  deliveryReports: { enabled: false },
  faults: JSON.parse(process.argv[2] ?? "{}"),
});
const { url } = await sandbox.listen(0, "127.0.0.1");

process.on("message", (/** @type {{ id: number, command: string }} */ message) => {
  if (message.command === "clear") sandbox.clear();
  const reply =
    message.command === "stats"
      ? sandbox.stats()
      : message.command === "arrivals"
        ? sandbox.requests().map((request) => request.at)
        : message.command === "cpu"
          ? cpuMs()
          : null;
  process.send?.({ id: message.id, reply });
});
/** CPU time (user + system) this process has used, in ms. */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

process.on("disconnect", () => {
  void sandbox.close().finally(() => process.exit(0));
});
process.send?.({ id: 0, reply: { url } });
