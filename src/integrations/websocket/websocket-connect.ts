import type http from 'node:http';
import type https from 'node:https';
import WebSocket from 'ws';

/**
 * Largest WebSocket message accepted (ws' own default is 100 MiB). A bigger one closes the connection
 * with 1009 and fails the step: a step keeps up to messageLimit messages in memory.
 */
export const WEBSOCKET_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Characters of a refused handshake's body quoted in the error. */
const REFUSAL_BODY_CHARS = 300;

export interface WebSocketAgents {
  http: http.Agent;
  https: https.Agent;
}

export interface OpenWebSocketOptions {
  url: string;
  /** What error messages call the endpoint (the URL with credentials masked). */
  label: string;
  headers: Record<string, string>;
  subprotocols?: string[];
  /** From EgressService: every handshake connects through them, so the policy checks it. */
  agents: WebSocketAgents;
  tlsVerify: boolean;
  handshakeTimeoutMs: number;
  signal: AbortSignal;
  /**
   * Called inside the socket's 'open' event, before any message is emitted: ws emits the messages that
   * arrived with the handshake answer synchronously after 'open', before the returned promise's
   * continuation runs, so listeners added only after `await` would miss a server's first pushes.
   */
  onOpen?: (socket: WebSocket) => void;
}

/** A failure to open, worded for a tester; `status` is the HTTP status of a refused handshake. */
export class WebSocketOpenError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WebSocketOpenError';
  }
}

/**
 * Opens a WebSocket and resolves once the handshake has completed (`open`). Rejects with a
 * WebSocketOpenError naming the endpoint: refused connection, handshake answered with another status
 * (its status and the start of its body), handshake timeout, subprotocol refused, abort. Whatever was
 * opened is terminated on failure. Redirects are not followed: handshake headers carry credentials.
 */
export function openWebSocket(options: OpenWebSocketOptions): Promise<WebSocket> {
  const { url, label, signal } = options;
  return new Promise<WebSocket>((resolve, reject) => {
    if (signal.aborted) return reject(new WebSocketOpenError(`connecting to ${label} aborted: ${reasonText(signal.reason)}`));
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, options.subprotocols ?? [], {
        headers: options.headers,
        agent: url.startsWith('wss:') ? options.agents.https : options.agents.http,
        rejectUnauthorized: options.tlsVerify,
        handshakeTimeout: options.handshakeTimeoutMs,
        maxPayload: WEBSOCKET_MAX_PAYLOAD_BYTES,
        followRedirects: false,
        perMessageDeflate: false,
      });
    } catch (error) {
      return reject(new WebSocketOpenError(`cannot connect to ${label}: ${(error as Error).message}`));
    }
    let settled = false;
    const settle = (error?: WebSocketOpenError) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.off('open', onOpen);
      if (!error) return resolve(socket);
      socket.terminate();
      reject(error);
    };
    const onOpen = () => {
      options.onOpen?.(socket);
      settle();
    };
    const onAbort = () => settle(new WebSocketOpenError(`connecting to ${label} aborted: ${reasonText(signal.reason)}`));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('open', onOpen);
    // Kept for the socket's whole life: the caller adds its own, and an 'error' with none would crash the worker.
    socket.on('error', (error: NodeJS.ErrnoException) => settle(new WebSocketOpenError(describeOpenError(error, label, options.handshakeTimeoutMs))));
    socket.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => settle(new WebSocketOpenError(describeRefusal(res, label, Buffer.concat(chunks).toString('utf8')), res.statusCode));
      res.on('data', (chunk: Buffer) => {
        if (size < REFUSAL_BODY_CHARS) chunks.push(chunk);
        size += chunk.length;
        if (size >= REFUSAL_BODY_CHARS) res.destroy();
      });
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
  });
}

function describeRefusal(res: http.IncomingMessage, label: string, body: string): string {
  const status = `${res.statusCode ?? 0}${res.statusMessage ? ` ${res.statusMessage}` : ''}`;
  const hint = res.statusCode === 401 || res.statusCode === 403 ? ' (check the resource\'s handshake headers: token, cookie)' : '';
  const excerpt = body.trim().slice(0, REFUSAL_BODY_CHARS);
  return `WebSocket handshake with ${label} refused: the server answered ${status} instead of 101 Switching Protocols${hint}${excerpt ? `: ${excerpt}` : ''}`;
}

function describeOpenError(error: NodeJS.ErrnoException, label: string, handshakeTimeoutMs: number): string {
  switch (error.code) {
    case 'EEGRESS':
      return error.message;
    case 'ECONNREFUSED':
      return `cannot connect to ${label}: connection refused (is the server running?)`;
    case 'ENOTFOUND':
      return `cannot connect to ${label}: host not found`;
    case 'ECONNRESET':
      return `cannot connect to ${label}: the server closed the connection during the handshake`;
  }
  if (error.message === 'Opening handshake has timed out') return `cannot connect to ${label}: no handshake answer within ${handshakeTimeoutMs} ms`;
  if (error.message === 'Server sent no subprotocol' || error.message === 'Server sent an invalid subprotocol') {
    return `cannot connect to ${label}: the server accepted none of the requested subprotocols (${error.message})`;
  }
  return `cannot connect to ${label}: ${error.code && !error.message.includes(error.code) ? `${error.code} ` : ''}${error.message}`;
}

export function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}

/** A close code with its meaning, for errors: `1011 (internal error)`. */
export function describeCloseCode(code: number): string {
  const meaning = CLOSE_CODES[code];
  return meaning ? `${code} (${meaning})` : String(code);
}

const CLOSE_CODES: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status received',
  1006: 'abnormal closure, no close frame',
  1007: 'invalid payload',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'missing extension',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
};
