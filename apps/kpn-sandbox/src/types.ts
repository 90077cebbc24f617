import type { Server } from "node:http";
import type { Logger } from "pino";

/**
 * Faults the sandbox injects into its answers, so that clients can be tested against the
 * failures the real gateway produces.
 *
 * Every `rate…` is a share from 0 to 1 of send requests. One seeded random draw per send picks
 * at most one fault, with the shares laid end to end in this order: hang, reset, 429, 503, 502,
 * 500, auth fault, 500-after-accept, reset-after-accept, hang-after-accept. So each share is
 * exactly the share of sends that get that fault, and the shares may add up to at most 1.
 * The "after accept" faults only strike sends that pass the bearer check and validation.
 */
export interface SandboxFaults {
  /**
   * Milliseconds added before answering a send (or resetting it).
   * @default 0
   */
  latencyMs?: number;
  /**
   * Extra milliseconds, uniformly random from 0 to this value, added to `latencyMs`.
   * @default 0
   */
  latencyJitterMs?: number;
  /**
   * Share of sends answered 429 (nothing recorded).
   * @default 0
   */
  rate429?: number;
  /**
   * `Retry-After` seconds on 429 answers; `null` leaves the header out.
   * @default 1
   */
  retryAfterSeconds?: number | null;
  /**
   * Share of 429 answers that carry `Retry-After`.
   * @default 1
   */
  retryAfterShare?: number;
  /**
   * Share of sends answered 500 before anything was accepted (nothing recorded).
   * @default 0
   */
  rate500?: number;
  /**
   * Share of sends answered 502 (nothing recorded).
   * @default 0
   */
  rate502?: number;
  /**
   * Share of sends answered 503 (nothing recorded).
   * @default 0
   */
  rate503?: number;
  /**
   * Share of sends answered 500 after the message was accepted and recorded: the ambiguous case
   * where the SMS did go out although the client saw an error.
   * @default 0
   */
  rate500Sent?: number;
  /**
   * Share of sends whose socket is destroyed without an answer, before anything was recorded.
   * @default 0
   */
  rateReset?: number;
  /**
   * Share of sends whose socket is destroyed without an answer after the message was recorded.
   * @default 0
   */
  rateResetAfterSend?: number;
  /**
   * Share of sends never answered (socket held for `hangMs`, then destroyed); nothing recorded.
   * @default 0
   */
  rateHang?: number;
  /**
   * Share of sends never answered after the message was recorded.
   * @default 0
   */
  rateHangAfterSend?: number;
  /**
   * How long a hanging send holds its socket before destroying it.
   * @default 30000
   */
  hangMs?: number;
  /**
   * Share of sends answered 500 with the gateway fault `oauth.v2.AccessTokenExpired`, whatever
   * the token. The token itself stays valid.
   * @default 0
   */
  rateAuthFault?: number;
  /**
   * Status of the answer to a missing, unknown or expired bearer token. The real gateway has been
   * seen using 500 for these.
   * @default 401
   */
  authFaultStatus?: 401 | 500;
  /**
   * `expires_in` of newly issued tokens, in seconds; the sandbox enforces it.
   * @default 3599
   */
  tokenTtlSeconds?: number;
  /**
   * Share of token requests answered 500 (drawn from its own random sequence, so token requests
   * do not shift the faults of sends).
   * @default 0
   */
  tokenErrorRate?: number;
  /**
   * Seed of the pseudo-random generator behind every share: the same seed and the same order of
   * requests give the same faults.
   * @default 1
   */
  seed?: number;
}

/** {@link SandboxFaults} with every default filled in. */
export type ResolvedSandboxFaults = {
  [K in keyof SandboxFaults]-?: Exclude<SandboxFaults[K], undefined>;
};

/** Options of {@link createSandbox}. */
export interface SandboxOptions {
  /**
   * The client id that the token endpoint accepts.
   * @default "sandbox"
   */
  clientId?: string;
  /**
   * The client secret that the token endpoint accepts.
   * @default "sandbox"
   */
  clientSecret?: string;
  /**
   * Longest accepted `content` of one message, in UTF-16 code units (a demo account caps at 160).
   * @default 1000
   */
  maxContentLength?: number;
  /**
   * Most messages accepted in one send.
   * @default 200
   */
  maxMessages?: number;
  /**
   * Most accepted sends and most send attempts kept for {@link KpnSandbox.received} and
   * {@link KpnSandbox.requests}; past it the oldest are forgotten (indexes stay absolute).
   * @default 1000000
   */
  maxRecorded?: number;
  /**
   * Faults to inject from the start.
   * @default {}
   */
  faults?: SandboxFaults;
  /**
   * Logger for start-up and debug lines; requests are logged at debug only.
   * @default a silent pino logger
   */
  logger?: Logger;
}

/** One message of an accepted send, as the client sent it. */
export interface ReceivedMessage {
  /** The text of the message. */
  content: string;
  /** The recipient, exactly as the client wrote it. */
  mobileNumber: string;
}

/** A send the sandbox accepted (including those then hit by an "after accept" fault). */
export interface ReceivedSend {
  /** The `document_id` issued for it. */
  documentId: string;
  /** The send path used. */
  path: string;
  /** The `sender` of the request. */
  sender: string;
  /** Its messages, in order. */
  messages: ReceivedMessage[];
  /** `webhook_url`, when the request had one. */
  webhookUrl?: string;
  /** `expirein`, when the request had one. */
  expirein?: string;
  /** When it was accepted, epoch milliseconds. */
  receivedAt: number;
  /** The status answered: 200, 500 for 500-after-accept, or 0 when reset or left hanging. */
  answeredStatus: number;
}

/** One send attempt, whatever became of it. */
export interface SandboxRequest {
  /** When it arrived, epoch milliseconds. */
  at: number;
  /** The send path used. */
  path: string;
  /** The status answered, or how the connection was dropped. */
  status: number | "reset" | "hang";
}

/** Counters since the start or the last {@link KpnSandbox.clear}. */
export interface SandboxStats {
  /** Requests to the token endpoint, whatever their outcome. */
  tokenRequests: number;
  /** Requests to either send path, whatever their outcome. */
  sendRequests: number;
  /** Sends accepted and recorded (including "after accept" faults). */
  accepted: number;
  /** Answers to sends by status code ("200", "429", …); resets and hangs are counted apart. */
  byStatus: Record<string, number>;
  /** Sends whose socket was destroyed without an answer. */
  resets: number;
  /** Sends left hanging. */
  hangs: number;
}

/** A running stand-in for the KPN SMS API. */
export interface KpnSandbox {
  /** The underlying HTTP server. */
  readonly server: Server;
  /**
   * Starts listening.
   * @param port - @default 0 (a free port)
   * @param host - @default "127.0.0.1"
   */
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /** Base URL such as `http://127.0.0.1:8085`; throws before {@link KpnSandbox.listen}. */
  readonly url: string;
  /** Accepted sends, in the order received. */
  received(): ReceivedSend[];
  /** Every send attempt, in the order received. */
  requests(): SandboxRequest[];
  /** Counters since the start or the last clear. */
  stats(): SandboxStats;
  /** Forgets received sends, requests and stats; issued tokens stay valid. */
  clear(): void;
  /** Replaces the faults and re-seeds the random generator; throws `SandboxOptionsError`. */
  setFaults(faults: SandboxFaults): void;
  /** The faults in force, with every default filled in. */
  faults(): ResolvedSandboxFaults;
  /** Makes every token issued so far expired. */
  expireTokens(): void;
  /** Closes the server, destroying open and hanging connections at once. */
  close(): Promise<void>;
}
