#!/usr/bin/env node
import { runCli } from "./run-cli.js";

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
// Exit as soon as the output is flushed: a Redis client winding down must not keep the shell
// waiting (ioredis can hold the loop for seconds after a refused connection).
const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write("", () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
