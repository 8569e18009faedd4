import { randomBytes } from 'node:crypto';
import { MqttClient, type IClientOptions, type IConnackPacket } from 'mqtt';
import type { EgressService } from '../../egress/egress.service';
import type { ResourceEgressTarget } from '../../resources/resource-type';
import { tlsConnectionOptions } from '../shared/resource-tls-options.dto';
import { mqttEndpoint, type MqttResourceConfig } from './mqtt-resource-config.dto';

/**
 * The largest packet an MQTT 5 client of this service accepts (CONNECT's Maximum Packet Size): the
 * broker does not forward bigger messages to it, so one huge message cannot fill the worker's memory.
 * MQTT 3.1.1 has no such property; there the broker's own limit applies.
 */
export const MQTT_MAX_PACKET_BYTES = 16 * 1024 * 1024;

/** How long a polite DISCONNECT may take before the socket is simply destroyed. */
const CLOSE_GRACE_MS = 1000;

export interface MqttOpenOptions {
  /** Budget for TCP/TLS connect plus CONNACK. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One MQTT connection of this service, made through the egress gate: mqtt.js gets a stream builder
 * whose sockets come from `egress.connect`, so the broker address is checked after DNS resolution and
 * the connection goes to the checked address. No automatic reconnect: a lost connection is reported
 * (a subscription cannot silently miss messages across a reconnect) and the pool opens a new one.
 * Every connection has a fresh client id, `<clientIdPrefix>-<random>`, and a clean session, so
 * nothing of a run stays on the broker.
 */
export class MqttConnection {
  /** The last error the client or its socket reported (for messages when the connection drops). */
  lastError?: Error;
  private readonly lostListeners = new Set<(reason: string) => void>();
  private closing?: Promise<void>;

  private constructor(
    readonly client: MqttClient,
    readonly clientId: string,
    readonly connack: IConnackPacket,
  ) {
    // A client without an 'error' listener would throw from the event emitter and crash the worker.
    client.on('error', (error) => (this.lastError = error));
    client.on('close', () => {
      if (this.closing) return;
      const reason = this.lastError ? this.lastError.message : 'the broker closed the connection';
      for (const listener of this.lostListeners) listener(reason);
    });
  }

  static open(config: MqttResourceConfig, egress: EgressService, options: MqttOpenOptions): Promise<MqttConnection> {
    const endpoint = mqttEndpoint(config.url);
    const clientId = `${config.clientIdPrefix ?? 'ats'}-${randomBytes(8).toString('hex')}`;
    const version = config.protocolVersion ?? 5;
    let socketError: Error | undefined;
    const tls = endpoint.tls ? tlsConnectionOptions(config.tls ?? { rejectUnauthorized: true }) : undefined;
    const clientOptions: IClientOptions = {
      clientId,
      protocolId: 'MQTT',
      protocolVersion: version,
      username: config.user,
      password: config.password,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 0,
      resubscribe: false,
      connectTimeout: options.timeoutMs,
      properties: version === 5 ? { sessionExpiryInterval: 0, maximumPacketSize: MQTT_MAX_PACKET_BYTES } : undefined,
    };
    return new Promise<MqttConnection>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(abortError(options.signal));
        return;
      }
      const client = new MqttClient(() => {
        const socket = egress.connect({ host: endpoint.host, port: endpoint.port, tls });
        // mqtt.js passes on only socket errors that carry a code; keep every one for the message.
        socket.on('error', (error) => (socketError ??= error));
        return socket;
      }, clientOptions);
      let lastError: Error | undefined;
      const settle = (error?: Error, connack?: IConnackPacket) => {
        client.removeListener('connect', onConnect);
        client.removeListener('close', onClose);
        options.signal?.removeEventListener('abort', onAbort);
        if (connack) {
          client.removeListener('error', onError);
          resolve(new MqttConnection(client, clientId, connack));
          return;
        }
        // Keeps a listener: mqtt.js may still emit while it tears down.
        client.on('error', () => undefined);
        client.end(true);
        reject(error);
      };
      const onConnect = (connack: IConnackPacket) => settle(undefined, connack);
      const onError = (error: Error) => {
        lastError = error;
        // A CONNACK refusal (bad credentials, not authorized) or a connect timeout: final.
        if (/^Connection refused|connack timeout/.test(error.message)) settle(connectError(error, options.timeoutMs));
      };
      const onClose = () => settle(connectError(socketError ?? lastError ?? new Error('the connection closed before the broker answered CONNECT'), options.timeoutMs));
      const onAbort = () => settle(abortError(options.signal!));
      client.on('connect', onConnect);
      client.on('error', onError);
      client.on('close', onClose);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get alive(): boolean {
    return this.client.connected && !this.client.disconnecting && !this.closing;
  }

  /** Called once if the connection drops without `close()` (broker gone, kicked, keep-alive timeout). */
  onLost(listener: (reason: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Sends DISCONNECT and waits briefly for it; a broker that does not answer gets its socket destroyed. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.client.end(true, () => resolve()), CLOSE_GRACE_MS);
      timer.unref();
      this.client.end(false, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.closing;
  }
}

/** Connect failures a tester understands: refused, no such host, TLS, credentials, timeout. */
function connectError(error: Error, timeoutMs: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (error.message === 'connack timeout') return new Error(`the broker did not answer CONNECT within ${timeoutMs} ms`);
  if (code === 'ECONNREFUSED') return new Error(`connection refused (${error.message.replace(/^connect ECONNREFUSED /, '')}): is the broker running?`);
  if (code === 'ENOTFOUND') return new Error(`unknown host (${error.message})`);
  if (/^Connection refused: (Bad user ?name or password|Not authorized)/i.test(error.message)) {
    return new Error(`${error.message}: check user and password`);
  }
  return error;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason as { name?: string; message?: string } | undefined;
  const error = new Error(reason?.name === 'TimeoutError' ? 'timed out while connecting' : `cancelled while connecting (${reason?.message ?? String(reason)})`);
  error.name = 'AbortError';
  return error;
}

/** The broker endpoint, for the resource type's save-time egress check. */
export function mqttEgressTargets(config: MqttResourceConfig): ResourceEgressTarget[] {
  const { host, port } = mqttEndpoint(config.url);
  return [{ field: 'url', host, port }];
}
