import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type WebSocket from 'ws';
import { EgressService } from '../../egress/egress.service';
import { maskUrlCredentials } from '../../resources/url-credentials';
import { mergeHeaders } from '../../outbound-http/http-client';
import { createMessageMatcher } from '../../steps/shared/message-matcher';
import { messageSearchResultSchema } from '../../steps/shared/message-search';
import { StepError, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { openWebSocket, WebSocketOpenError, type WebSocketAgents } from './websocket-connect';
import { WebSocketResourceConfig } from './websocket-resource-config.dto';
import { checkWebSocketStepConfig, WebSocketStepConfig, type WebSocketStepResult } from './websocket-step.config';
import { WebSocketSubscription } from './websocket-subscription';
import { webSocketTarget } from './websocket-target';

/** Handshake time when neither the step nor the resource sets one. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

@StepPlugin({
  type: 'websocket',
  description:
    'Connects to a WebSocket (resource URL, or a path under it; handshake headers, subprotocols), sends messages, and waits for messages matching a pattern (text contained, or a JSONPath). Run it in the background before the step that makes the server push: it is connected, listening and has sent its messages before the flow moves on.',
  config: WebSocketStepConfig,
  resource: WebSocketResourceConfig,
  validateRaw: checkWebSocketStepConfig,
  // Connect, trigger, match on the id the trigger returned.
  lateFields: ['searchPattern'],
  resultSchema: (() => {
    const schema = messageSearchResultSchema({ binary: { type: 'boolean', description: 'A binary frame (its bytes decoded as UTF-8)' } }, ['binary']);
    (schema.properties as Record<string, unknown>).subprotocol = { type: 'string', description: "The subprotocol the server chose ('' when none)" };
    return schema;
  })(),
})
@Injectable()
export class WebSocketStep implements StepRunner<WebSocketStepConfig, WebSocketStepResult, WebSocketResourceConfig>, OnModuleDestroy {
  // Handshakes go through these, so the egress policy checks every connection. No keep-alive: an
  // upgraded socket leaves the agent, and each step owns its connection.
  private readonly agents: WebSocketAgents;
  private readonly insecureAgents: WebSocketAgents;
  private readonly subscriptions = new Set<WebSocketSubscription>();

  constructor(egress: EgressService) {
    this.agents = { http: egress.httpAgent(), https: egress.httpsAgent() };
    this.insecureAgents = { http: this.agents.http, https: egress.httpsAgent({ rejectUnauthorized: false }) };
  }

  async run(ctx: StepContext<WebSocketStepConfig, WebSocketResourceConfig>): Promise<WebSocketStepResult> {
    const complete = await this.prepare(ctx);
    return complete();
  }

  async prepare(ctx: StepContext<WebSocketStepConfig, WebSocketResourceConfig>): Promise<(late?: Partial<WebSocketStepConfig>) => Promise<WebSocketStepResult>> {
    const { config } = ctx;
    if (config.searchPattern) createMessageMatcher(config.searchPattern); // a bad pattern fails before connecting
    const settings = ctx.resource.config;
    const url = webSocketTarget(settings.url, config.path);
    const label = maskUrlCredentials(url);
    const tlsVerify = settings.tlsVerify !== false;
    const subscription: WebSocketSubscription = new WebSocketSubscription({
      config,
      label,
      signal: ctx.signal,
      deadline: ctx.deadline,
      deferMatch: ctx.deferredFields?.includes('searchPattern') === true,
      onClosed: () => this.subscriptions.delete(subscription),
    });
    let socket: WebSocket;
    try {
      socket = await openWebSocket({
        url,
        label,
        headers: mergeHeaders(settings.headers, config.headers),
        subprotocols: config.subprotocols,
        agents: tlsVerify ? this.agents : this.insecureAgents,
        tlsVerify,
        handshakeTimeoutMs: Math.max(1, Math.min(config.connectTimeoutMs ?? settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, ctx.deadline - Date.now())),
        signal: ctx.signal,
        onOpen: (opened) => {
          this.subscriptions.add(subscription);
          subscription.attach(opened);
        },
      });
    } catch (error) {
      throw new StepError(error instanceof WebSocketOpenError ? error.message : `cannot connect to ${label}: ${(error as Error).message}`, {
        reason: 'connect',
        ...(error instanceof WebSocketOpenError && error.status !== undefined && { status: error.status }),
      });
    }
    try {
      await subscription.start();
    } catch (error) {
      throw error instanceof StepError ? error : new StepError((error as Error).message);
    }
    const subprotocol = socket.protocol;
    return async (late) => {
      if (late && 'searchPattern' in late) subscription.search.startMatching(late.searchPattern);
      return { ...(await subscription.search.result), subprotocol };
    };
  }

  /** Connections open right now (each closes on completion, failure, timeout, abort or shutdown). */
  openConnectionCount(): number {
    return this.subscriptions.size;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop('the worker is shutting down')));
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.insecureAgents.https.destroy();
  }
}
