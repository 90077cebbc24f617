import { fork } from "node:child_process";

const SANDBOX_SCRIPT = new URL("./sandbox-process.mjs", import.meta.url);
const START_TIMEOUT_MS = 15_000;

/**
 * @typedef {object} SandboxChild
 * @property {string} url base URL on 127.0.0.1
 * @property {() => Promise<void>} clear forgets recorded sends and counters
 * @property {() => Promise<import("@sms-relay/kpn-sandbox").SandboxStats>} stats
 * @property {() => Promise<number[]>} arrivals when each send request arrived (epoch ms), since the last clear
 * @property {() => Promise<number>} cpuMs CPU time the sandbox process has used so far
 * @property {() => Promise<void>} close stops the process
 */

/**
 * Starts the KPN sandbox in a child process on a free loopback port.
 * @param {{ faults?: import("@sms-relay/kpn-sandbox").SandboxFaults }} [options] faults to start with
 * @returns {Promise<SandboxChild>}
 */
export async function startSandboxChild(options = {}) {
  const child = fork(SANDBOX_SCRIPT, [JSON.stringify(options.faults ?? {})], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  /** @type {Map<number, (reply: any) => void>} */
  const pending = new Map();
  let nextId = 1;
  child.on("message", (/** @type {{ id: number, reply: any }} */ message) => {
    pending.get(message.id)?.(message.reply);
    pending.delete(message.id);
  });
  const exited = new Promise((_, reject) => {
    child.once("exit", (code, signal) =>
      reject(new Error(`the sandbox process exited (code ${code}, signal ${signal})`)),
    );
  });
  exited.catch(() => {});

  /**
   * @param {string} command
   * @returns {Promise<any>}
   */
  function request(command) {
    const id = nextId++;
    const answered = new Promise((resolve) => pending.set(id, resolve));
    child.send({ id, command });
    return Promise.race([answered, exited]);
  }

  let timer;
  const started = new Promise((resolve) => pending.set(0, resolve));
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error("the sandbox process did not start")),
      START_TIMEOUT_MS,
    );
  });
  try {
    const { url } = /** @type {{ url: string }} */ (
      await Promise.race([started, exited, timedOut])
    );
    return {
      url,
      clear: () => request("clear"),
      stats: () => request("stats"),
      arrivals: () => request("arrivals"),
      cpuMs: () => request("cpu"),
      close: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.disconnect();
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2000))]);
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

/**
 * Asks the sandbox for an access token, as a caller with a fixed token would have done once.
 * @param {string} baseUrl
 * @returns {Promise<string>}
 */
export async function fetchSandboxToken(baseUrl) {
  const response = await fetch(
    `${baseUrl}/oauth/client_credential/accesstoken?grant_type=client_credentials`,
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "client_id=sandbox&client_secret=sandbox",
    },
  );
  const body = /** @type {{ access_token?: unknown }} */ (await response.json());
  if (response.status !== 200 || typeof body.access_token !== "string") {
    throw new Error(`the sandbox refused a token request (status ${response.status})`);
  }
  return body.access_token;
}
