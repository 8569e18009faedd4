import { ConnectedSocket, MessageBody, type OnGatewayConnection, type OnGatewayDisconnect, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { AtsMetrics } from '../../metrics/ats-metrics';
import { AuthenticationGuard } from '../../identity/tenancy/authentication.guard';
import { TeamAccessRevocations } from '../../identity/tenancy/team-access-revocations';
import { TeamStreamSockets } from '../../identity/tenancy/team-stream-sockets';
import { TenancyService } from '../../identity/tenancy/tenancy.service';
import { ExecutionsService } from '../executions.service';
import { batchedUpdateSink } from './batched-update-sink';
import { ExecutionStreamHub } from './execution-stream.hub';

/**
 * Socket.IO namespace `/executions`. Clients authenticate in the handshake (`auth: { token }` with a
 * JWT or API key, or the Authorization / X-API-Key headers), then emit `join` with an execution id.
 * They receive `snapshot` first, then `update` events in sequence order — or, having joined with
 * `batch: true`, `updates` events each carrying several of them in order (docs/STREAMING.md).
 */
@WebSocketGateway({ namespace: '/executions', cors: { origin: true, credentials: true } })
export class ExecutionGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly sockets: TeamStreamSockets;

  constructor(
    auth: AuthenticationGuard,
    tenancy: TenancyService,
    revocations: TeamAccessRevocations,
    executions: ExecutionsService,
    hub: ExecutionStreamHub,
    private readonly metrics: AtsMetrics,
  ) {
    this.sockets = new TeamStreamSockets(auth, tenancy, revocations, {
      room: 'execution',
      notFound: 'Execution not found',
      teamOf: (id) => executions.teamOf(id),
      subscribe: (_teamId, id, client, options) => {
        const emit = (event: string, data: unknown) => client.emit(event, data);
        return hub.subscribe(id, options.batch ? batchedUpdateSink(emit) : (event) => emit(event.type, event.data));
      },
    });
  }

  handleConnection(client: Socket): Promise<void> {
    this.metrics.liveSockets.inc({ namespace: 'executions' }); // Socket.IO calls handleDisconnect once for every connection, refused ones too
    return this.sockets.connect(client);
  }

  handleDisconnect(client: Socket): void {
    this.metrics.liveSockets.dec({ namespace: 'executions' });
    this.sockets.disconnect(client);
  }

  @SubscribeMessage('join')
  join(@ConnectedSocket() client: Socket, @MessageBody() body: { executionId?: unknown; batch?: unknown }): Promise<{ ok: boolean; error?: string }> {
    return this.sockets.join(client, typeof body?.executionId === 'string' ? body.executionId : '', { batch: body?.batch === true });
  }

  @SubscribeMessage('leave')
  leave(@ConnectedSocket() client: Socket, @MessageBody() body: { executionId?: unknown }): Promise<{ ok: boolean }> {
    return this.sockets.leave(client, typeof body?.executionId === 'string' ? body.executionId : '');
  }
}
