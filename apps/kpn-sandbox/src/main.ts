import { pino } from "pino";
import { createSandbox } from "./create-sandbox.js";
import { parseSandboxEnv, type SandboxEnv } from "./env.js";

let env: SandboxEnv;
try {
  env = parseSandboxEnv(process.env);
} catch (error) {
  process.stderr.write(`kpn-sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const { port, host, logLevel, ...options } = env;
const logger = pino({ level: logLevel, base: { service: "kpn-sandbox" } });
const sandbox = createSandbox({ ...options, logger });

try {
  const { url } = await sandbox.listen(port, host);
  logger.info({ url, clientId: options.clientId }, `KPN sandbox listening on ${url}`);
} catch (error) {
  logger.fatal({ err: error }, "KPN sandbox could not listen");
  process.exit(1);
}

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "KPN sandbox stopping");
  sandbox.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, "KPN sandbox did not close cleanly");
      process.exit(1);
    },
  );
}
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
