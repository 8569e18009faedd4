import type http from 'node:http';
import type https from 'node:https';
import type { OnModuleDestroy } from '@nestjs/common';
import type { EgressService } from '../egress/egress.service';
import { sendHttpRequest, type HttpAgents, type HttpRequestOptions, type HttpResponse } from './http-client';

export interface OutboundHttpPool {
  /** Sockets per host for verified connections (plain http and https). */
  maxSockets: number;
  /** Sockets per host for https with certificate checks off (`tlsVerify: false`). */
  insecureMaxSockets: number;
}

export interface OutboundHttpRequest extends Omit<HttpRequestOptions, 'agents'> {
  /** Check the server's certificate (default true); false only when a tenant's config says so. */
  tlsVerify?: boolean;
}

/**
 * Every tenant-driven HTTP request goes through one of these: keep-alive agents from the egress gate
 * (every connection, each redirect hop's included, is checked after DNS and made to the checked
 * address), the whole-exchange deadline and the size caps of `sendHttpRequest`, and its errors.
 *
 * OutboundHttpModule provides a shared instance (webhook deliveries); a step plugin builds its own
 * from the EgressService it is given, so each integration has its own socket pool and one busy
 * integration cannot take the sockets another one waits for. Whoever builds one destroys it.
 */
export class OutboundHttpClient implements OnModuleDestroy {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly insecureAgent: https.Agent;
  /** Agents per protocol, chosen by tlsVerify (a redirect may switch protocol). */
  private readonly agents: HttpAgents;
  private readonly insecureAgents: HttpAgents;

  constructor(egress: EgressService, pool: OutboundHttpPool = { maxSockets: 64, insecureMaxSockets: 16 }) {
    this.httpAgent = egress.httpAgent({ keepAlive: true, maxSockets: pool.maxSockets });
    this.httpsAgent = egress.httpsAgent({ keepAlive: true, maxSockets: pool.maxSockets });
    this.insecureAgent = egress.httpsAgent({ keepAlive: true, maxSockets: pool.insecureMaxSockets, rejectUnauthorized: false });
    this.agents = { http: this.httpAgent, https: this.httpsAgent };
    this.insecureAgents = { http: this.httpAgent, https: this.insecureAgent };
  }

  /** Rejects only with OutboundHttpError (http-client.ts); any status resolves. */
  request({ tlsVerify = true, ...options }: OutboundHttpRequest): Promise<HttpResponse> {
    return sendHttpRequest({ ...options, agents: tlsVerify ? this.agents : this.insecureAgents });
  }

  /** Closes pooled sockets; requests still in flight fail. */
  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.insecureAgent.destroy();
  }

  onModuleDestroy(): void {
    this.destroy();
  }
}
