import { ConnectedSocket, MessageBody, type OnGatewayConnection, type OnGatewayDisconnect, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { AuthenticationGuard } from '../../identity/tenancy/authentication.guard';
import type { Principal } from '../../identity/tenancy/principal';
import { authenticateSocket } from '../../identity/tenancy/socket-authentication';
import { TenancyService } from '../../identity/tenancy/tenancy.service';
import { SuiteRunStore } from '../runs/suite-run-store';
import { SuiteRunStreamHub } from './suite-run-stream.hub';

interface SocketState {
  /** Resolves once the handshake credentials were checked; undefined when they were refused. */
  authenticated: Promise<Principal | undefined>;
  streams: Map<string, () => void>;
}

/**
 * Socket.IO namespace `/suite-runs`, the suite counterpart of `/executions`: authenticate in the
 * handshake, emit `join` with `{ suiteRunId }`, receive `snapshot` then `update` events (README, "CI").
 */
@WebSocketGateway({ namespace: '/suite-runs', cors: { origin: true, credentials: true } })
export class SuiteRunGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly states = new WeakMap<Socket, SocketState>();

  constructor(
    private readonly auth: AuthenticationGuard,
    private readonly tenancy: TenancyService,
    private readonly store: SuiteRunStore,
    private readonly hub: SuiteRunStreamHub,
  ) {}

  async handleConnection(client: Socket): Promise<void> {
    // The client may emit `join` as soon as it is connected, before the credentials are checked:
    // `join` waits for this promise instead of finding no principal yet.
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
  async join(@ConnectedSocket() client: Socket, @MessageBody() body: { suiteRunId?: unknown }): Promise<{ ok: boolean; error?: string }> {
    const state = this.states.get(client);
    const suiteRunId = typeof body?.suiteRunId === 'string' ? body.suiteRunId : '';
    const principal = await state?.authenticated;
    if (!state || !principal) return { ok: false, error: 'Not authenticated' };
    if (state.streams.has(suiteRunId)) return { ok: true };
    const teamId = await this.store.teamOf(suiteRunId);
    try {
      if (!teamId) throw new Error('missing');
      await this.tenancy.resolveTeam(principal, teamId, 'viewer');
    } catch {
      // Same answer for "does not exist" and "another team's".
      return { ok: false, error: 'Suite run not found' };
    }
    await client.join(`suite-run:${suiteRunId}`);
    const stop = await this.hub.subscribe(teamId, suiteRunId, (event) => client.emit(event.type, event.data));
    if (client.disconnected) stop(); // left while the snapshot was read: handleDisconnect already ran
    else state.streams.set(suiteRunId, stop);
    return { ok: true };
  }

  @SubscribeMessage('leave')
  async leave(@ConnectedSocket() client: Socket, @MessageBody() body: { suiteRunId?: unknown }): Promise<{ ok: boolean }> {
    const state = this.states.get(client);
    const suiteRunId = typeof body?.suiteRunId === 'string' ? body.suiteRunId : '';
    state?.streams.get(suiteRunId)?.();
    state?.streams.delete(suiteRunId);
    await client.leave(`suite-run:${suiteRunId}`);
    return { ok: true };
  }
}
