import { createServer, type Server } from "node:net";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { baseWorkerEnv } from "./support/rig.js";
import { killAllWorkers, spawnWorker } from "./support/worker-process.js";

let redis: TestRedis;
let holder: Server;
let takenPort: number;

beforeAll(async () => {
  redis = await startTestRedis();
  // Another process already listens on the port, as a second `pnpm start` finds it.
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  takenPort = (holder.address() as { port: number }).port;
});

afterAll(async () => {
  await killAllWorkers();
  await new Promise((resolve) => holder?.close(resolve));
  await redis?.close();
});

it("exits 1 with one line saying the health port is taken and what to do", async () => {
  const env = baseWorkerEnv(redis.url, redis.uniquePrefix("port-taken"), "http://127.0.0.1:1");
  const worker = spawnWorker("port-taken", env, takenPort);
  const exit = await worker.exited;
  expect(exit.code).toBe(1);
  const fatal = worker.logs.find((line) => line.level === 60);
  const message = String(fatal?.msg ?? worker.otherOutput.join("")).trim();
  expect(message).toContain(`could not listen on HEALTH_PORT ${takenPort}: the port is taken`);
  expect(message).toContain("set HEALTH_PORT");
  expect(message).not.toContain("\n");
});
