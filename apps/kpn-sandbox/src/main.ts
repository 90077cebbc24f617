import { createLogger, handleShutdownSignals } from "@sms-relay/runtime";
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
const logger = createLogger({ service: "kpn-sandbox", level: logLevel });
const sandbox = createSandbox({ ...options, logger });

try {
  const { url } = await sandbox.listen(port, host);
  logger.info({ url, clientId: options.clientId }, `KPN sandbox listening on ${url}`);
} catch (error) {
  logger.fatal({ err: error }, "KPN sandbox could not listen");
  process.exit(1);
}

handleShutdownSignals({ logger, graceMs: 5000, close: () => sandbox.close() });
