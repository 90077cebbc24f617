import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const CLIENT_ID = "test-client";
export const CLIENT_SECRET = "s3cr3t+Value/with=odd&chars";
export const TOKEN_PATH = "/oauth/client_credential/accesstoken";
export const SEND_PATH = "/communication/kpn/sms/send";

/** A request the fake API received, body read in full. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

/** Answers one request; `n` counts requests to the same endpoint, from 1. */
export type Handler = (
  request: ReceivedRequest,
  response: ServerResponse,
  n: number,
  context: HandlerContext,
) => void;

export interface HandlerContext {
  socket: Socket;
  /** Mints a token the fake will accept. */
  issueToken: () => string;
  validTokens: Set<string>;
}

export interface FakeKpnOptions {
  token?: Handler;
  send?: Handler;
}

export interface FakeKpn {
  url: string;
  port: number;
  tokenRequests: ReceivedRequest[];
  sendRequests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  /** Tokens the fake considers valid. */
  validTokens: Set<string>;
  close(): Promise<void>;
}

export function json(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(text);
}

/** The Apigee token answer: every value a string. */
export const issueTokenHandler: Handler = (_request, response, _n, { issueToken }) => {
  const token = issueToken();
  json(response, 200, {
    access_token: token,
    token_type: "Bearer",
    expires_in: "3599",
    issued_at: String(Date.now()),
    client_id: CLIENT_ID,
    status: "approved",
    scope: "",
    refresh_count: "0",
  });
};

/** Accepts a send when its bearer token is valid, as the real API does. */
export const acceptSendHandler: Handler = (request, response, _n, { validTokens }) => {
  const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
  if (!validTokens.has(token)) {
    json(response, 401, {
      fault: {
        faultstring: "Invalid Access Token",
        detail: { errorcode: "keymanagement.service.invalid_access_token" },
      },
    });
    return;
  }
  json(response, 200, { document_id: randomUUID(), status: "OK" });
};

/** Starts a fake KPN API on 127.0.0.1, port 0. */
export async function startFakeKpn(options: FakeKpnOptions = {}): Promise<FakeKpn> {
  const token = options.token ?? issueTokenHandler;
  const send = options.send ?? acceptSendHandler;
  const sockets = new Set<Socket>();
  let issued = 0;
  const state: Omit<FakeKpn, "url" | "port" | "close"> = {
    tokenRequests: [],
    sendRequests: [],
    connections: 0,
    validTokens: new Set(),
  };
  const issueToken = (): string => {
    issued += 1;
    const value = `token-${issued}-${randomUUID()}`;
    state.validTokens.add(value);
    return value;
  };

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const url = new URL(incoming.url ?? "/", "http://localhost");
      const request: ReceivedRequest = {
        method: incoming.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const context = { socket: incoming.socket, issueToken, validTokens: state.validTokens };
      if (url.pathname.endsWith(TOKEN_PATH)) {
        state.tokenRequests.push(request);
        token(request, response, state.tokenRequests.length, context);
      } else if (url.pathname.endsWith("/send")) {
        state.sendRequests.push(request);
        send(request, response, state.sendRequests.length, context);
      } else {
        json(response, 404, { error: { name: "NotFound", message: url.pathname } });
      }
    });
  });
  server.on("connection", (socket: Socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    port,
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
