import { stat } from "node:fs/promises";
import { request } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where a Docker engine's API may listen: a unix socket (or Windows pipe) or a TCP address. */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number };

/**
 * The endpoints a Docker client would try: `DOCKER_HOST` alone when it is set, else the usual
 * sockets of Docker Engine, rootless Docker and Docker Desktop.
 */
export function dockerEndpoints(env: Record<string, string | undefined>): DockerEndpoint[] {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    try {
      const url = new URL(dockerHost);
      if (url.protocol === "unix:" || url.protocol === "npipe:") {
        return [{ socketPath: decodeURIComponent(url.pathname) }];
      }
      if (url.protocol === "tcp:" || url.protocol === "http:") {
        return [{ host: url.hostname, port: Number(url.port || 2375) }];
      }
    } catch {
      // A DOCKER_HOST the client could not use either: no engine for us.
    }
    return [];
  }
  const sockets = ["/var/run/docker.sock"];
  if (env.XDG_RUNTIME_DIR) sockets.push(join(env.XDG_RUNTIME_DIR, "docker.sock"));
  sockets.push(join(env.HOME ?? homedir(), ".docker", "run", "docker.sock"));
  return sockets.map((socketPath) => ({ socketPath }));
}

/** `GET /_ping` answered `OK` within `timeoutMs`. Never throws. */
async function pings(endpoint: DockerEndpoint, timeoutMs: number): Promise<boolean> {
  if ("socketPath" in endpoint && process.platform !== "win32") {
    // No socket file: nothing to wait for. This is the common case on machines without Docker.
    const exists = await stat(endpoint.socketPath).then(
      (info) => info.isSocket(),
      () => false,
    );
    if (!exists) return false;
  }
  return await new Promise<boolean>((resolve) => {
    const req = request({ ...endpoint, path: "/_ping", method: "GET", timeout: timeoutMs });
    const timer = setTimeout(() => req.destroy(), timeoutMs);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve(res.statusCode === 200 && body.trim() === "OK");
      });
      res.on("error", () => resolve(false));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
    req.on("close", () => {
      clearTimeout(timer);
      resolve(false);
    });
    req.end();
  });
}

/** Options of {@link dockerEngineAnswers}. */
export interface DockerEngineProbeOptions {
  /** The environment to read `DOCKER_HOST`, `XDG_RUNTIME_DIR` and `HOME` from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Longest wait for one endpoint's answer; endpoints are asked at once. @default 1500 */
  timeoutMs?: number;
}

/**
 * Answers whether a Docker engine answers its API ping. Quick where there is none: a missing
 * socket file is seen at once, and an engine that accepts but does not answer is given up after
 * `timeoutMs`.
 */
export async function dockerEngineAnswers(
  options: DockerEngineProbeOptions = {},
): Promise<boolean> {
  const { env = process.env, timeoutMs = 1500 } = options;
  const answers = await Promise.all(dockerEndpoints(env).map((e) => pings(e, timeoutMs)));
  return answers.includes(true);
}
