import type { Socket } from 'socket.io';
import type { AuthenticationGuard } from './authentication.guard';
import type { Principal } from './principal';
import type { TeamAccessRevocations } from './team-access-revocations';
import type { TenancyService } from './tenancy.service';

/** What a live-stream gateway streams: objects that belong to a team, looked up by id. */
export interface TeamStreamTarget {
  /** Socket.IO room prefix, e.g. `execution` → room `execution:<id>`. */
  room: string;
  /** The answer to a join of a missing object — and of another team's: never reveal other tenants' ids. */
  notFound: string;
  teamOf(id: string): Promise<string | undefined>;
  /** Starts streaming one object to the client; returns the function that stops it. */
  subscribe(teamId: string, id: string, client: Socket, options: StreamJoinOptions): Promise<() => void>;
}

/** How a client asked to receive a stream, from its `join`. */
export interface StreamJoinOptions {
  /** Several updates per event where the stream supports it (the `/executions` namespace's `updates`). */
  batch: boolean;
}

interface SocketState {
  /** Settles with the principal, or undefined when the handshake's credentials were refused. */
  authenticated: Promise<Principal | undefined>;
  streams: Map<string, () => void>;
}

/**
 * The socket side of a team-scoped live stream, shared by the `/executions` and `/suite-runs`
 * gateways: authenticate in the handshake, `join` an object of a team the caller may view (same answer
 * for missing and foreign ids; checked again on every join — and a repeated join restarts the stream
 * with a fresh snapshot), `leave`, stop every stream on disconnect,
 * and disconnect a client who loses access to the team of one of its streams.
 */
export class TeamStreamSockets {
  private readonly states = new WeakMap<Socket, SocketState>();

  constructor(
    private readonly auth: AuthenticationGuard,
    private readonly tenancy: TenancyService,
    private readonly revocations: TeamAccessRevocations,
    private readonly target: TeamStreamTarget,
  ) {}

  async connect(client: Socket): Promise<void> {
    // The client may emit `join` as soon as it is connected, before the credentials are checked (a
    // database read): `join` waits for this promise instead of finding no principal yet.
    const authenticated = authenticateSocket(this.auth, client);
    this.states.set(client, { authenticated, streams: new Map() });
    if (!(await authenticated)) {
      client.emit('error', { code: 'UNAUTHENTICATED', message: 'Invalid or missing credentials' });
      client.disconnect(true);
    }
  }

  disconnect(client: Socket): void {
    const state = this.states.get(client);
    state?.streams.forEach((stop) => stop());
    state?.streams.clear();
  }

  async join(client: Socket, id: string, options: StreamJoinOptions = { batch: false }): Promise<{ ok: boolean; error?: string }> {
    const state = this.states.get(client);
    const principal = await state?.authenticated;
    if (!state || !principal) return { ok: false, error: 'Not authenticated' };
    const teamId = await this.target.teamOf(id);
    try {
      if (!teamId) throw new Error('missing');
      await this.tenancy.resolveTeam(principal, teamId, 'viewer');
    } catch {
      return { ok: false, error: this.target.notFound };
    }
    await client.join(`${this.target.room}:${id}`);
    // A repeated join is how a client asks for a fresh snapshot (it noticed a gap, or wants `batch` now):
    // the stream it had is stopped and a new one starts with a snapshot.
    this.stopStream(state, id);
    const unsubscribe = await this.target.subscribe(teamId, id, client, options);
    const unwatch = this.revocations.watch(principal, teamId, () => {
      // Access to the team is gone (member removed): this socket sees nothing more of it.
      client.emit('error', { code: 'FORBIDDEN', message: 'You no longer have access to this team' });
      client.disconnect(true);
    });
    const stop = () => {
      unwatch();
      unsubscribe();
    };
    if (client.disconnected) {
      stop(); // left while the snapshot was read: disconnect already ran
      return { ok: true };
    }
    this.stopStream(state, id); // another join of the same id finished while this one read its snapshot
    state.streams.set(id, stop);
    return { ok: true };
  }

  async leave(client: Socket, id: string): Promise<{ ok: boolean }> {
    const state = this.states.get(client);
    if (state) this.stopStream(state, id);
    await client.leave(`${this.target.room}:${id}`);
    return { ok: true };
  }

  private stopStream(state: SocketState, id: string): void {
    state.streams.get(id)?.();
    state.streams.delete(id);
  }
}

/**
 * Checks a Socket.IO handshake's credentials (`auth: { token }`, or the Authorization / X-API-Key
 * headers) with the HTTP API's rules; undefined when they are missing or refused.
 */
async function authenticateSocket(auth: AuthenticationGuard, client: Socket): Promise<Principal | undefined> {
  try {
    const token = typeof client.handshake.auth?.token === 'string' ? client.handshake.auth.token : undefined;
    const headers = token ? { authorization: `Bearer ${token}` } : (client.handshake.headers as Record<string, string>);
    return await auth.authenticate(headers);
  } catch {
    return undefined;
  }
}
