import { parseStackEnv, type StackEnv } from "./env.js";
import { freePort } from "./free-port.js";
import { createStackLogger } from "./logger.js";
import { startRedisChild } from "./redis-child.js";
import { findOnPath, portIsFree, redisAnswers } from "./redis-probe.js";
import { findRepoRoot } from "./repo-root.js";
import { startStack } from "./start-stack.js";

function readEnv(): StackEnv {
  try {
    return parseStackEnv(process.env);
  } catch (error) {
    process.stderr.write(`sms-relay: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

const env = readEnv();
const logger = createStackLogger(env.logLevel);

try {
  const stack = await startStack({
    env,
    repoRoot: findRepoRoot(),
    logger,
    redisDeps: {
      answers: (url) => redisAnswers(url),
      findBinary: () => findOnPath("redis-server", env.variables.PATH ?? ""),
      portIsFree: (port) => portIsFree(port),
      freePort,
      startChild: startRedisChild,
    },
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: dashboard, worker, sandbox, redis");
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "the stack did not stop cleanly");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} catch (error) {
  const { message, code } = error as { message?: string; code?: string };
  logger.fatal({ code }, `sms-relay could not start: ${message ?? String(error)}`);
  process.exit(1);
}
