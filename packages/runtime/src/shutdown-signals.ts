import { constants } from "node:os";
import type { Logger } from "pino";

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownSignalOptions {
  logger: Logger;
  /** Stops the app: stop taking work, finish what is in flight, close connections. */
  close: () => Promise<void>;
  /**
   * The app's own grace time (`SHUTDOWN_GRACE_MS`). `close` is given this plus `marginMs`; if it
   * has not finished by then (a Redis that never answers, a stuck socket), the process exits 1.
   */
  graceMs: number;
  /** Time for closing connections after the grace time. @default 2000 */
  marginMs?: number;
  /** @default ["SIGTERM", "SIGINT"] */
  signals?: readonly NodeJS.Signals[];
  /** Where signals come from. @default process */
  source?: Pick<NodeJS.Process, "on" | "off">;
  /** @default process.exit */
  exit?: (code: number) => void;
}

/** Exit code after a second signal: 128 + the signal number, as shells report it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 1);
}

/**
 * The one shutdown behaviour of every app: the first SIGTERM or SIGINT starts `close` and exits 0
 * when it is done (1 when it fails or outlasts the grace time plus the margin); a second signal
 * exits at once. Returns a function that removes the handlers.
 */
export function handleShutdownSignals(options: ShutdownSignalOptions): () => void {
  const {
    logger,
    graceMs,
    marginMs = 2000,
    signals = ["SIGTERM", "SIGINT"],
    source = process,
    exit = (code: number) => process.exit(code),
  } = options;
  let stopping = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting at once");
      exit(signalExitCode(signal));
      return;
    }
    stopping = true;
    logger.info({ signal, graceMs }, "signal received: shutting down");
    const deadlineMs = graceMs + marginMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"deadline">((resolve) => {
      timer = setTimeout(() => resolve("deadline"), deadlineMs);
    });
    Promise.race([options.close().then(() => "closed" as const), deadline]).then(
      (outcome) => {
        clearTimeout(timer);
        if (outcome === "deadline") {
          logger.error(
            { deadlineMs },
            "shutdown did not finish within the grace time: exiting anyway",
          );
          exit(1);
          return;
        }
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error({ err: { message: String(error) } }, "shutdown failed");
        exit(1);
      },
    );
  };

  for (const signal of signals) source.on(signal, onSignal);
  return () => {
    for (const signal of signals) source.off(signal, onSignal);
  };
}
