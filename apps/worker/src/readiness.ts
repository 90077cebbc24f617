/** Why the worker is not ready, as `/readyz` reports it. */
export type NotReadyReason =
  | "starting"
  | "redis_disconnected"
  | "worker_not_running"
  | "kpn_auth_failing"
  | "shutting_down";

/** The answer of `/readyz`. */
export type ReadinessReport = { ready: true } | { ready: false; reason: NotReadyReason };

/** Conditions the worker sets as they change; `/readyz` reads them. */
export interface Readiness {
  /** Current verdict, checking conditions in order of severity. */
  report(): ReadinessReport;
  setRedisConnected(connected: boolean): void;
  setWorkerRunning(running: boolean): void;
  /** On while sends keep failing authentication even after a fresh token. */
  setAuthFailing(failing: boolean): void;
  setShuttingDown(): void;
  readonly authFailing: boolean;
}

/** A fresh readiness state: not ready until Redis is connected and the worker runs. */
export function createReadiness(): Readiness {
  let redisConnected = false;
  let workerRunning = false;
  let authFailing = false;
  let shuttingDown = false;
  let started = false;

  return {
    report() {
      if (shuttingDown) return { ready: false, reason: "shutting_down" };
      if (!started) return { ready: false, reason: "starting" };
      if (!redisConnected) return { ready: false, reason: "redis_disconnected" };
      if (!workerRunning) return { ready: false, reason: "worker_not_running" };
      if (authFailing) return { ready: false, reason: "kpn_auth_failing" };
      return { ready: true };
    },
    setRedisConnected(connected) {
      redisConnected = connected;
    },
    setWorkerRunning(running) {
      workerRunning = running;
      if (running) started = true;
    },
    setAuthFailing(failing) {
      authFailing = failing;
    },
    setShuttingDown() {
      shuttingDown = true;
    },
    get authFailing() {
      return authFailing;
    },
  };
}
