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
   * Most messages × recipients accepted in one send (a message whose `mobile_number` is a
   * comma-separated list counts once per number).
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
   * Delivery reports sent to the `webhook_url` of accepted sends.
   * @default {} (every report says delivered, at once, signed with the sandbox key)
   */
  deliveryReports?: SandboxDeliveryReports;
  /**
   * Logger for start-up and debug lines; requests are logged at debug only.
   * @default a silent pino logger
   */
  logger?: Logger;
}

/**
 * Delivery reports (DLRs): for every accepted send that carried a `webhook_url`, one report per
 * message and recipient is POSTed there, signed as KPN signs them, and retried as KPN retries
 * them (4 attempts: at once, then 60 s, 120 s and 240 s after each failure; then dropped).
 *
 * Each message × recipient takes three seeded draws when its send is accepted (outcome, pending
 * report, duplicate), so the same seed and the same order of sends with a `webhook_url` give the
 * same outcomes. Shares are from 0 to 1.
 */
export interface SandboxDeliveryReports {
  /**
   * Send reports at all.
   * @default true
   */
  enabled?: boolean;
  /**
   * `X-KPN-Webhook-Key-Id` of every report. Left out of a runtime change, the one in force stays.
   * @default "sandbox-key"
   */
  keyId?: string;
  /**
   * Secret of the HMAC-SHA256 in `X-KPN-Webhook-Signature`; never shown by the admin routes.
   * Left out of a runtime change, the one in force stays.
   * @default "sandbox-webhook-secret"
   */
  secret?: string;
  /**
   * Milliseconds from accepting a send to the first attempt of its first report (not scaled).
   * @default 0
   */
  delayMs?: number;
  /**
   * Share of messages × recipients whose final report says failed (`Status` 4).
   * @default 0
   */
  failedShare?: number;
  /**
   * Share whose final report says expired (`Status` 6). The rest are delivered (`Status` 1).
   * `failedShare + expiredShare` may be at most 1.
   * @default 0
   */
  expiredShare?: number;
  /**
   * `ErrorCode` of failed reports; delivered, expired and pending ones carry `"000"`.
   * @default "101"
   */
  failedErrorCode?: string;
  /**
   * Share of messages × recipients that get a pending report before the final one.
   * @default 0
   */
  pendingShare?: number;
  /**
   * Share that get a pending report after the final one (out of order). Its `StatusDateTime` is
   * still a second before the final one's. `pendingShare + outOfOrderShare` may be at most 1.
   * @default 0
   */
  outOfOrderShare?: number;
  /**
   * `Status` of pending reports: 2 (`Queued`) or 3 (`Accepted`).
   * @default 2
   */
  pendingStatus?: 2 | 3;
  /**
   * Share of messages × recipients whose final report is sent twice (the same body, the same
   * `DLRID`), the second right after the first.
   * @default 0
   */
  duplicateShare?: number;
  /**
   * Send the reports of one request as array bodies rather than one POST each: the first array
   * holds every recipient's first report, the next every second report, and so on.
   * @default false
   */
  batch?: boolean;
  /**
   * Factor on the retry gaps (60, 120, 240 s): `0.001` turns them into 60, 120, 240 ms.
   * @default 1
   */
  timeScale?: number;
  /**
   * Milliseconds one attempt may take (connect, answer and body) before it counts as failed.
   * @default 5000
   */
  attemptTimeoutMs?: number;
  /**
   * Most POSTs in flight at once; the others wait in order.
   * @default 16
   */
  maxInFlight?: number;
  /**
   * Most report bodies held at once (waiting for their delay, their turn, a retry, or in flight).
   * Past it a new body is not sent at all: its reports are counted as `overflowed`.
   * @default 10000
   */
  maxQueued?: number;
  /**
   * Seed of the outcome draws (a stream apart from the faults').
   * @default 1
   */
  seed?: number;
}

/** {@link SandboxDeliveryReports} with every default filled in. */
export type ResolvedSandboxDeliveryReports = {
  [K in keyof SandboxDeliveryReports]-?: Exclude<SandboxDeliveryReports[K], undefined>;
};

/** The delivery report body the sandbox sends (one of these, or an array of them). */
export interface DeliveryReportBody {
  /** A fresh uuid per report; a duplicate repeats it. */
  DLRID: string;
  /** The `document_id` of the request. */
  document_id: string;
  /** The recipient in E.164 (`+31612345678`), whatever spelling the send used. */
  RecipientPhonenumber: string;
  /** 1 Delivered, 2 Queued, 3 Accepted, 4 Failed, 6 Expired. */
  Status: 1 | 2 | 3 | 4 | 6;
  /** The name of the status. */
  StatusDescription: string;
  /** When the status was reached, epoch seconds. */
  StatusDateTime: number;
  /** `"000"`, or the failure's code. */
  ErrorCode: string;
}

/** One attempt to deliver a report. */
export interface ReportAttempt {
  /** 1-based, as in `X-KPN-Webhook-Attempt`. */
  attempt: number;
  /** When it started, epoch milliseconds. */
  at: number;
  /** The receiver's status code, or how the attempt failed. */
  result: number | "timeout" | "error";
}

/** Where a report stands: still to go, or how it ended. */
export type ReportState = "waiting" | "delivered" | "dropped" | "overflowed" | "cancelled";

/** A report the sandbox planned for a message × recipient, and what became of it. */
export interface SentReport {
  /** The report as sent. */
  report: DeliveryReportBody;
  /** The `webhook_url` it goes to. */
  webhookUrl: string;
  /** `pending` (Status 2 or 3) or `final` (1, 4 or 6). */
  kind: "pending" | "final";
  /** True for the second sending of a duplicated report. */
  duplicate: boolean;
  /** Index of the message in the request. */
  messageIndex: number;
  /** Attempts so far. */
  attempts: ReportAttempt[];
  /**
   * `waiting` (not yet answered 2xx, attempts left), `delivered` (answered 2xx), `dropped`
   * (4 attempts failed), `overflowed` (past `maxQueued`, never sent), `cancelled` (the sandbox
   * closed first).
   */
  state: ReportState;
}

/** The outcome the sandbox decided for one message × recipient, and whether it was reported. */
export interface ReportOutcome {
  documentId: string;
  /** E.164. */
  recipient: string;
  messageIndex: number;
  /** The final `Status`: 1, 4 or 6. */
  status: 1 | 4 | 6;
  /** The same as a delivery state. */
  outcome: "delivered" | "failed" | "expired";
  errorCode: string;
  /** The state of the first sending of the final report. */
  state: ReportState;
}

/** Counters of delivery reports since the start or the last clear. */
export interface DeliveryReportStats {
  /** Reports planned (a duplicate counts again). */
  planned: number;
  /** Reports answered 2xx. */
  delivered: number;
  /** Reports given up after 4 failed attempts. */
  dropped: number;
  /** Reports never sent because `maxQueued` bodies were held. */
  overflowed: number;
  /** Reports still waiting when the sandbox closed. */
  cancelled: number;
  /** POST attempts made, retries included. */
  attempts: number;
  /** Report bodies held now (waiting, queued or in flight). */
  queued: number;
  /** POSTs in flight now. */
  inFlight: number;
}

/** A filter of {@link KpnSandbox.sentReports}; a recipient in any Dutch spelling. */
export interface SentReportFilter {
  documentId?: string;
  recipient?: string;
}

/** One message of an accepted send, as the client sent it. */
export interface ReceivedMessage {
  /** The text of the message. */
  content: string;
  /** The recipient, exactly as the client wrote it (a comma-separated list for several). */
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
  /** SMS in the accepted sends: messages × recipients (the Bulk function's count). */
  acceptedSms: number;
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
  /**
   * Replaces the delivery report settings and re-seeds their draws (`keyId` and `secret` left
   * out keep the ones in force); reports already planned keep their outcomes, retries use the
   * new `timeScale`, and every attempt is signed with the key in force when it is made.
   * @throws SandboxOptionsError (`SANDBOX_INVALID_DELIVERY_REPORTS`)
   */
  setDeliveryReports(settings: SandboxDeliveryReports): void;
  /** The delivery report settings in force, with every default filled in. */
  deliveryReports(): ResolvedSandboxDeliveryReports;
  /** Reports planned, in the order planned, each with its attempts and state. */
  sentReports(filter?: SentReportFilter): SentReport[];
  /** The final outcome of each message × recipient, in the order planned. */
  reportOutcomes(filter?: SentReportFilter): ReportOutcome[];
  /** Counters of delivery reports. */
  deliveryReportStats(): DeliveryReportStats;
  /**
   * Resolves once no report is waiting (each one delivered, dropped or overflowed).
   * @param timeoutMs - rejects after this long. @default 10000
   */
  reportsSettled(timeoutMs?: number): Promise<void>;
  /**
   * Closes the server, destroying open and hanging connections at once, and stops every
   * delivery report still waiting (pending retries included).
   */
  close(): Promise<void>;
}
