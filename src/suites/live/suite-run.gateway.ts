import { ConnectedSocket, MessageBody, type OnGatewayConnection, type OnGatewayDisconnect, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { AtsMetrics } from '../../metrics/ats-metrics';
import { AuthenticationGuard } from '../../identity/tenancy/authentication.guard';
import { TeamAccessRevocations } from '../../identity/tenancy/team-access-revocations';
import { TeamStreamSockets } from '../../identity/tenancy/team-stream-sockets';
import { TenancyService } from '../../identity/tenancy/tenancy.service';
import { SuiteRunStore } from '../runs/suite-run-store';
import { SuiteRunStreamHub } from './suite-run-stream.hub';

/**
 * Socket.IO namespace `/suite-runs`, the suite counterpart of `/executions`: authenticate in the
 * handshake, emit `join` with `{ suiteRunId }`, receive `snapshot` then `update` events (README, "CI").
 */
@WebSocketGateway({ namespace: '/suite-runs', cors: { origin: true, credentials: true } })
export class SuiteRunGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly sockets: TeamStreamSockets;

  constructor(
    auth: AuthenticationGuard,
    tenancy: TenancyService,
    revocations: TeamAccessRevocations,
    store: SuiteRunStore,
    hub: SuiteRunStreamHub,
    private readonly metrics: AtsMetrics,
  ) {
    this.sockets = new TeamStreamSockets(auth, tenancy, revocations, {
      room: 'suite-run',
      notFound: 'Suite run not found',
      teamOf: (id) => store.teamOf(id),
      subscribe: (teamId, id, client) => hub.subscribe(teamId, id, (event) => client.emit(event.type, event.data)),
    });
  }

  handleConnection(client: Socket): Promise<void> {
    this.metrics.liveSockets.inc({ namespace: 'suite-runs' }); // Socket.IO calls handleDisconnect once for every connection, refused ones too
    return this.sockets.connect(client);
  }

  handleDisconnect(client: Socket): void {
    this.metrics.liveSockets.dec({ namespace: 'suite-runs' });
    this.sockets.disconnect(client);
  }

  @SubscribeMessage('join')
  join(@ConnectedSocket() client: Socket, @MessageBody() body: { suiteRunId?: unknown }): Promise<{ ok: boolean; error?: string }> {
    return this.sockets.join(client, typeof body?.suiteRunId === 'string' ? body.suiteRunId : '');
  }

  @SubscribeMessage('leave')
  leave(@ConnectedSocket() client: Socket, @MessageBody() body: { suiteRunId?: unknown }): Promise<{ ok: boolean }> {
    return this.sockets.leave(client, typeof body?.suiteRunId === 'string' ? body.suiteRunId : '');
  }
}
