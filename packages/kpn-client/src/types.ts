/** One SMS of a send request. */
export interface KpnMessage {
  /** Text of the message; at most 1000 characters (160 on sandbox accounts). */
  content: string;
  /** Recipient, a Dutch mobile number such as `+31612345678`. */
  mobileNumber: string;
}

/** One call to the send endpoint. */
export interface SendSmsRequest {
  /** Sender name or short code, at most 11 characters. */
  sender: string;
  /** The messages; the API takes at most 200 per call. */
  messages: KpnMessage[];
  /** Where KPN posts delivery reports (`webhook_url`). @default none */
  webhookUrl?: string;
  /** Seconds after which the network stops trying to deliver (`expirein`). @default the API's */
  expireInSeconds?: number;
  /** Aborts the send; an abort after the request went out is reported as ambiguous. @default none */
  signal?: AbortSignal;
  /**
   * Called when the request is handed to an open connection, just before its bytes are written:
   * the moment it leaves this process, after any wait for a connection or a connect retry. Called
   * again if the request is written again (the resend with a fresh token); never for a request
   * that was not written. A rate limiter counts from here. An exception it throws is ignored.
   * @default none
   */
  onWrite?: () => void;
}

/** What the API answered to a successful send. */
export interface SendSmsResult {
  /** The API's id for the request (one per call, whatever the number of messages). */
  documentId: string;
  /** HTTP status of the answer: 200, 201 or 202. */
  status: number;
  /** Wall time of the whole `send()` call in milliseconds, token fetch and retries included. */
  durationMs: number;
}

/** A client for the KPN SMS API. Made by {@link createKpnClient}. */
export interface KpnClient {
  /**
   * Sends one request. Resolves with the `document_id`; rejects with a classified `KpnError`.
   * A refused access token is replaced and the send retried once; a connection that could not
   * be opened is retried up to `connectRetries` times. Nothing else is retried here.
   */
  send(request: SendSmsRequest): Promise<SendSmsResult>;
  /** The cached access token, fetched when missing or close to expiry; one request at a time. */
  getAccessToken(): Promise<string>;
  /** Drops the cached token; when `token` is given, only if it is still the cached one. */
  invalidateToken(token?: string): void;
  /** Number of HTTP token requests made so far, retries included. */
  readonly tokenRequests: number;
  /** Closes the client's own connection pool (an injected dispatcher is left open). */
  close(): Promise<void>;
}
