import { Injectable } from '@nestjs/common';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { maskUrlCredentials } from '../../resources/url-credentials';
import { openWebSocket } from './websocket-connect';
import { WebSocketResourceConfig, webSocketEgressTargets, webSocketSecretFields } from './websocket-resource-config.dto';

@ResourceType({
  type: 'websocket',
  description: 'WebSocket endpoint (ws:// or wss://) with handshake headers, for websocket steps',
  config: WebSocketResourceConfig,
  secrets: webSocketSecretFields,
  addressFields: ['url'],
  egressTargets: (config) => webSocketEgressTargets(config as WebSocketResourceConfig),
  example: {
    url: 'wss://events.staging.example.com/ws',
    headers: { Authorization: 'Bearer change-me', Origin: 'https://app.example.com' },
    tlsVerify: true,
    connectTimeoutMs: 10000,
  },
})
@Injectable()
export class WebSocketConnectionTester implements ResourceConnectionTester<WebSocketResourceConfig> {
  /** Completes an opening handshake with the resource's headers, then closes normally (1000). */
  async test(config: WebSocketResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    const agents = { http: egress.httpAgent(), https: egress.httpsAgent() };
    try {
      const socket = await openWebSocket({
        url: config.url,
        label: maskUrlCredentials(config.url),
        headers: config.headers ?? {},
        agents,
        tlsVerify: config.tlsVerify,
        handshakeTimeoutMs: Math.min(timeoutMs, config.connectTimeoutMs),
        signal,
      });
      socket.close(1000, 'connection test');
      // A server that never answers the close frame is cut after a moment (ws waits 30 s otherwise).
      setTimeout(() => socket.terminate(), 1000).unref();
      return { handshake: '101 Switching Protocols', ...(socket.protocol && { subprotocol: socket.protocol }) };
    } finally {
      agents.http.destroy();
      agents.https.destroy();
    }
  }
}
