export { CliError, EXIT } from "./cli-error.js";
export type { Command, CommandContext } from "./command.js";
export { type CliConfig, parseCliEnv } from "./env.js";
export type { CliIo, CliOutput } from "./io.js";
export { ensureRedisReachable, redactRedisUrl } from "./redis-check.js";
export { COMMANDS, runCli } from "./run-cli.js";
