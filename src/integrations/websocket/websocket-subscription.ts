import type WebSocket from 'ws';
import { decodeMessageValue } from '../../steps/shared/message-matcher';
import { MessageSearch } from '../../steps/shared/message-search';
import { describeCloseCode, WEBSOCKET_MAX_PAYLOAD_BYTES } from './websocket-connect';
import { messageText, type WebSocketMessage, type WebSocketStepConfig } from './websocket-step.config';

/** How long a closing handshake may take before the socket is cut (ws would wait 30 s). */
const CLOSE_GRACE_MS = 1_000;

export interface WebSocketSubscriptionOptions {
  config: WebSocketStepConfig;
  /** The endpoint as errors name it (credentials masked). */
  label: string;
  signal: AbortSignal;
  deadline: number;
  deferMatch: boolean;
  /** Runs once the socket has closed, whatever the outcome. */
  onClosed(): void;
}

/**
 * The connection of a websocket step and its search window. `attach()` (from the socket's 'open'
 * event) listens; `start()` starts the window and sends the step's messages. The search settles on a
 * match, at the window's end, on abort, or when the server closes the connection or it fails — then
 * the socket is closed (always before the result settles).
 */
export class WebSocketSubscription {
  readonly search: MessageSearch<WebSocketMessage>;
  private socket?: WebSocket;
  private closing?: Promise<void>;

  constructor(private readonly options: WebSocketSubscriptionOptions) {
    this.search = new MessageSearch<WebSocketMessage>({
      config: options.config,
      source: `WebSocket ${options.label}`,
      signal: options.signal,
      deadline: options.deadline,
      deferMatch: options.deferMatch,
      close: () => this.close(),
    });
  }

  /** Listens to the just-opened socket: messages are offered to the search (kept until it starts). */
  attach(socket: WebSocket): void {
    const { search } = this;
    this.socket = socket;
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const timestamp = new Date().toISOString();
      const text = bytes.toString('utf8');
      search.offer({ text, toResult: () => ({ value: decodeMessageValue(bytes), headers: {}, timestamp, binary: isBinary }) });
    });
    socket.on('close', (code: number, reason: Buffer) => {
      const why = reason.length ? `, reason "${reason.toString('utf8').slice(0, 200)}"` : '';
      search.fail(`the server closed the WebSocket ${this.options.label} before the search ended: code ${describeCloseCode(code)}${why}`);
    });
    socket.on('error', (error: Error & { code?: string }) => {
      const what = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? `a message exceeded the ${WEBSOCKET_MAX_PAYLOAD_BYTES}-byte limit` : error.message;
      search.fail(`the WebSocket ${this.options.label} failed: ${what}`);
    });
  }

  /** Throws (after closing) when the window cannot start or a message cannot be sent. */
  async start(): Promise<void> {
    const { socket, search } = this;
    if (!socket) throw new Error('the WebSocket is not open');
    // A first push may already have settled the search (or the server closed): nothing left to start.
    if (!search.isFinished) await search.start();
    for (const [index, item] of (this.options.config.send ?? []).entries()) {
      if (search.isFinished) break;
      try {
        await new Promise<void>((resolve, reject) => socket.send(messageText(item), (error) => (error ? reject(error) : resolve())));
      } catch (error) {
        const message = `cannot send message ${index} on the WebSocket ${this.options.label}: ${(error as Error).message}`;
        search.fail(message);
        await search.result.catch(() => undefined);
        throw new Error(message);
      }
    }
  }

  /** Ends the window now (worker shutdown). */
  stop(reason: string): Promise<void> {
    return this.search.stop(reason);
  }

  /** Closing handshake (1000), cut after CLOSE_GRACE_MS; resolves once the socket is closed. */
  private close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const { socket } = this;
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.options.onClosed();
        resolve();
      };
      if (!socket || socket.readyState === socket.CLOSED) return done();
      socket.once('close', done);
      timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
      if (socket.readyState === socket.OPEN) socket.close(1000, 'step finished');
    });
    return this.closing;
  }
}
