import { fork } from "node:child_process";

const RECEIVER_SCRIPT = new URL("./receipts-process.mjs", import.meta.url);
const START_TIMEOUT_MS = 15_000;

/**
 * @typedef {object} ReceiverChild
 * @property {string} url base URL on 127.0.0.1
 * @property {() => Promise<void>} close stops the process
 */

/**
 * Starts a receiver of delivery reports (see `receipts-process.mjs`) in a child process on a
 * free loopback port. The child inherits the bench's `execArgv`, so `node --cpu-prof run.mjs`
 * profiles it too.
 * @param {import("./receipts-process.mjs").ReceiverSettings} settings
 * @returns {Promise<ReceiverChild>}
 */
export async function startReceiverChild(settings) {
  const child = fork(RECEIVER_SCRIPT, [JSON.stringify(settings)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const started = new Promise((resolve) => child.once("message", resolve));
  const exited = new Promise((_, reject) => {
    child.once("exit", (code, signal) =>
      reject(
        new Error(`the ${settings.mode} receiver process exited (code ${code}, signal ${signal})`),
      ),
    );
  });
  exited.catch(() => {});
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the ${settings.mode} receiver process did not start`)),
      START_TIMEOUT_MS,
    );
  });
  try {
    const { url } = /** @type {{ url: string }} */ (
      await Promise.race([started, exited, timedOut])
    );
    return {
      url,
      close: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.disconnect();
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      },
    };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
