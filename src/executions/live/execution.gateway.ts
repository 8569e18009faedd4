import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, type OnGatewayConnection, type OnGatewayDisconnect, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { AuthenticationGuard } from '../../identity/tenancy/authentication.guard';
import type { Principal } from '../../identity/tenancy/principal';
import { authenticateSocket } from '../../identity/tenancy/socket-authentication';
import { TenancyService } from '../../identity/tenancy/tenancy.service';
import { ExecutionsService } from '../executions.service';
import { ExecutionStreamHub } from './execution-stream.hub';

interface SocketState {
  /** Settles with the principal, or undefined when the credentials were refused. */
  authenticated: Promise<Principal | undefined>;
  streams: Map<string, () => void>;
}

/**
 * Socket.IO namespace `/executions`. Clients authenticate in the handshake (`auth: { token }` with a
 * JWT or API key, or the Authorization / X-API-Key headers), then emit `join` with an execution id.
 * They receive `snapshot` first, then `update` events in sequence order (docs/STREAMING.md).
 */
@WebSocketGateway({ namespace: '/executions', cors: { origin: true, credentials: true } })
export class ExecutionGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ExecutionGateway.name);
  private readonly states = new WeakMap<Socket, SocketState>();

  constructor(
    private readonly auth: AuthenticationGuard,
    private readonly tenancy: TenancyService,
    private readonly executions: ExecutionsService,
    private readonly hub: ExecutionStreamHub,
  ) {}

  async handleConnection(client: Socket): Promise<void> {
    // The client may emit `join` as soon as it is connected, before the credentials are checked (a
    // database read): `join` waits for this promise instead of finding no principal yet.
    const authenticated = authenticateSocket(this.auth, client);
    this.states.set(client, { authenticated, streams: new Map() });
    if (!(await authenticated)) {
      client.emit('error', { code: 'UNAUTHENTICATED', message: 'Invalid or missing credentials' });
      client.disconnect(true);
    }
  }

  handleDisconnect(client: Socket): void {
    const state = this.states.get(client);
    state?.streams.forEach((stop) => stop());
    state?.streams.clear();
  }

  @SubscribeMessage('join')
  async join(@ConnectedSocket() client: Socket, @MessageBody() body: { executionId?: unknown }): Promise<{ ok: boolean; error?: string }> {
    const state = this.states.get(client);
    const executionId = typeof body?.executionId === 'string' ? body.executionId : '';
    const principal = await state?.authenticated;
    if (!state || !principal) return { ok: false, error: 'Not authenticated' };
    if (state.streams.has(executionId)) return { ok: true };
    const teamId = await this.executions.teamOf(executionId);
    try {
      if (!teamId) throw new Error('missing');
      await this.tenancy.resolveTeam(principal, teamId, 'viewer');
    } catch {
      // Same answer for "does not exist" and "another team's": never reveal other tenants' ids.
      return { ok: false, error: 'Execution not found' };
    }
    await client.join(`execution:${executionId}`);
    const stop = await this.hub.subscribe(executionId, (event) => client.emit(event.type, event.data));
    if (client.disconnected) stop(); // left while the snapshot was read: handleDisconnect already ran
    else state.streams.set(executionId, stop);
    return { ok: true };
  }

  @SubscribeMessage('leave')
  async leave(@ConnectedSocket() client: Socket, @MessageBody() body: { executionId?: unknown }): Promise<{ ok: boolean }> {
    const state = this.states.get(client);
    const executionId = typeof body?.executionId === 'string' ? body.executionId : '';
    state?.streams.get(executionId)?.();
    state?.streams.delete(executionId);
    await client.leave(`execution:${executionId}`);
    return { ok: true };
  }
}
