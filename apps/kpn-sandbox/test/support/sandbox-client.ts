import { createSandbox, type KpnSandbox, type SandboxOptions } from "../../src/index.js";

export const SEND_PATH = "/communication/kpn/sms/send";
export const LEGACY_SEND_PATH = "/messaging/sms-kpn/v1/send";
export const TOKEN_URL_PATH = "/oauth/client_credential/accesstoken?grant_type=client_credentials";

/** A valid send body with one message. */
export function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messages: [{ content: "Hallo!", mobile_number: "+31612345678" }],
    sender: "MyShop",
    ...overrides,
  };
}

/** A listening sandbox with small helpers to talk to it over real HTTP. */
export interface TestSandbox {
  sandbox: KpnSandbox;
  url: string;
  /** Asks the token endpoint for a token with the default credentials. */
  token(): Promise<string>;
  /** POSTs a JSON body to a send path with a bearer token. */
  send(
    body: unknown,
    options?: { token?: string | null; path?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  /** POSTs a send and returns only its status (reads the body so the socket is reused). */
  sendStatus(body?: unknown, options?: { token?: string | null; path?: string }): Promise<number>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const sandbox = createSandbox(options);
  const { url } = await sandbox.listen();
  let cachedToken: string | undefined;

  async function token(): Promise<string> {
    const res = await fetch(`${url}${TOKEN_URL_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: options.clientId ?? "sandbox",
        client_secret: options.clientSecret ?? "sandbox",
      }),
    });
    const json = (await res.json()) as { access_token: string };
    if (res.status !== 200) throw new Error(`token request answered ${res.status}`);
    return json.access_token;
  }

  async function send(
    body: unknown,
    opts: { token?: string | null; path?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    let bearer = opts.token;
    if (bearer === undefined) {
      cachedToken ??= await token();
      bearer = cachedToken;
    }
    const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    return fetch(`${url}${opts.path ?? SEND_PATH}`, {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  return {
    sandbox,
    url,
    token,
    send,
    async sendStatus(body = validBody(), opts = {}) {
      const res = await send(body, opts);
      await res.arrayBuffer();
      return res.status;
    },
    close: () => sandbox.close(),
  };
}

/** Reads a JSON body. */
export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
