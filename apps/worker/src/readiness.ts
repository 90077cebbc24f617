/** Why the worker is not ready, as `/readyz` reports it. */
export type NotReadyReason =
  | "starting"
  | "redis_disconnected"
  | "worker_not_running"
  | "kpn_auth_failing"
  | "kpn_redirecting"
  | "shutting_down";

/** A fault of the KPN API's configuration that stops every send until someone fixes it. */
export type KpnFault = "kpn_auth_failing" | "kpn_redirecting";

/** The answer of `/readyz`. */
export type ReadinessReport = { ready: true } | { ready: false; reason: NotReadyReason };

/** Conditions the worker sets as they change; `/readyz` reads them. */
export interface Readiness {
  /** Current verdict, checking conditions in order of severity. */
  report(): ReadinessReport;
  setRedisConnected(connected: boolean): void;
  setWorkerRunning(running: boolean): void;
  /**
   * On while sends keep failing on a configuration fault: credentials refused even with a fresh
   * token, or a gateway answering with redirects. `undefined` once a send succeeds again.
   */
  setKpnFault(fault: KpnFault | undefined): void;
  setShuttingDown(): void;
  readonly kpnFault: KpnFault | undefined;
}

/** A fresh readiness state: not ready until Redis is connected and the worker runs. */
export function createReadiness(): Readiness {
  let redisConnected = false;
  let workerRunning = false;
  let kpnFault: KpnFault | undefined;
  let shuttingDown = false;
  let started = false;

  return {
    report() {
      if (shuttingDown) return { ready: false, reason: "shutting_down" };
      if (!started) return { ready: false, reason: "starting" };
      if (!redisConnected) return { ready: false, reason: "redis_disconnected" };
      if (!workerRunning) return { ready: false, reason: "worker_not_running" };
      if (kpnFault) return { ready: false, reason: kpnFault };
      return { ready: true };
    },
    setRedisConnected(connected) {
      redisConnected = connected;
    },
    setWorkerRunning(running) {
      workerRunning = running;
      if (running) started = true;
    },
    setKpnFault(fault) {
      kpnFault = fault;
    },
    setShuttingDown() {
      shuttingDown = true;
    },
    get kpnFault() {
      return kpnFault;
    },
  };
}
