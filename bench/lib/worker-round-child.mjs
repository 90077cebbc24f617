import { fork } from "node:child_process";

const ROUND_SCRIPT = new URL("./worker-round.mjs", import.meta.url);

/**
 * Runs one worker round (`worker-round.mjs`) in a fresh process and resolves with what it
 * reported; rejects when it exits without a result, and kills it 30 s past its own time limit.
 * @param {import("./worker-round.mjs").RoundSettings} settings
 * @returns {Promise<import("./worker-round.mjs").RoundResult>}
 */
export function runWorkerRound(settings) {
  return new Promise((resolve, reject) => {
    const child = fork(ROUND_SCRIPT, [JSON.stringify(settings)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    /** @type {import("./worker-round.mjs").RoundResult | undefined} */
    let result;
    const timer = setTimeout(() => child.kill("SIGKILL"), settings.timeoutMs + 30_000);
    child.on("message", (message) => {
      result = /** @type {import("./worker-round.mjs").RoundResult} */ (message);
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else
        reject(
          new Error(
            `the ${settings.mode} worker round exited (code ${code}, signal ${signal}) without a result`,
          ),
        );
    });
  });
}
