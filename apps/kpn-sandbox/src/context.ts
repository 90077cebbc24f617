import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { DeliveryReporter } from "./delivery-reporter.js";
import type { Recorder } from "./recorder.js";
import type { TokenStore } from "./tokens.js";
import type { ResolvedSandboxFaults } from "./types.js";

/** Everything the route handlers share: one per sandbox. */
export interface SandboxContext {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly maxContentLength: number;
  readonly maxMessages: number;
  readonly logger: Logger;
  readonly tokens: TokenStore;
  readonly recorder: Recorder;
  /** Plans, sends and retries the delivery reports of accepted sends. */
  readonly reports: DeliveryReporter;
  /** Replaced as a whole by `setFaults`, so handlers read it once per request. */
  faults: ResolvedSandboxFaults;
  /** Draws for send faults, latency jitter and Retry-After: three per send, always. */
  sendRandom: () => number;
  /** Draws for token faults: one per token request, apart so tokens do not shift sends. */
  tokenRandom: () => number;
  /** Timers of delayed answers and hanging sockets, cleared on close. */
  readonly timers: Set<NodeJS.Timeout>;
  /** Sockets held open by hang faults, destroyed on close. */
  readonly hanging: Set<Socket>;
  /** Set once `close()` starts: late timers must not answer. */
  closing: boolean;
}
