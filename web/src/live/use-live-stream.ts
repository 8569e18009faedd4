import { useCallback, useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { useSession } from '../auth/auth-context';
import { judgeUpdate } from './live-sequence';

export type LiveStatus = 'connecting' | 'live' | 'resyncing' | 'error';

export interface LiveStreamOptions<TSnapshot extends { seq: number }, TUpdate extends { seq: number }> {
  /** Socket.IO namespace: '/executions' or '/suite-runs'. */
  namespace: string;
  /** The `join` payload, e.g. `{ executionId }`; null waits (nothing to watch yet). */
  join: Record<string, string> | null;
  /** Replaces the whole view state: first join, every re-join after a reconnect or a gap. */
  onSnapshot: (snapshot: TSnapshot) => void;
  /** Called only for the next update in `seq` order; duplicates are dropped, gaps trigger a re-join. */
  onUpdate: (update: TUpdate) => void;
}

/**
 * One live stream over Socket.IO with the ordering rules of docs/STREAMING.md. socket.io-client is
 * imported lazily, so it loads with the first live screen rather than with the app shell. The
 * handshake reads the access token on every (re)connect, so a refreshed token is used after a drop.
 * The callbacks may change between renders; the latest ones are used.
 */
export function useLiveStream<TSnapshot extends { seq: number }, TUpdate extends { seq: number }>(
  options: LiveStreamOptions<TSnapshot, TUpdate>,
): { status: LiveStatus; error?: string; rejoin: () => void } {
  const session = useSession();
  const [state, setState] = useState<{ status: LiveStatus; error?: string }>({ status: 'connecting' });
  const handlers = useRef(options);
  handlers.current = options;
  const joinKey = options.join ? JSON.stringify(options.join) : null;
  // Set while a socket is open: asks the server for a fresh snapshot (a view that detected a gap itself).
  const rejoinRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    if (!joinKey) return;
    const payload = JSON.parse(joinKey) as Record<string, string>;
    let socket: Socket | undefined;
    let closed = false;
    let lastSeq = -1;
    let refreshedForError = false;
    // Set from a gap until the fresh snapshot: later gapped updates must not send a join each (a storm at 200 updates/s).
    let awaitingSnapshot = false;

    // `batch: true` asks for `updates` events where the stream has them (/executions; others ignore it).
    const join = () =>
      socket?.emit('join', { ...payload, batch: true }, (ack: { ok: boolean; error?: string }) => {
        if (!ack?.ok) setState({ status: 'error', error: ack?.error ?? 'Could not join the live stream' });
      });

    rejoinRef.current = () => {
      if (awaitingSnapshot) return;
      awaitingSnapshot = true;
      setState({ status: 'resyncing' });
      join();
    };

    void import('socket.io-client').then(({ io }) => {
      if (closed) return;
      socket = io(options.namespace, {
        transports: ['websocket'],
        auth: (cb) => cb({ token: session.accessToken() }),
      });
      socket.on('connect', () => {
        setState({ status: 'connecting' });
        join();
      });
      socket.on('snapshot', (snapshot: TSnapshot) => {
        lastSeq = snapshot.seq;
        awaitingSnapshot = false;
        setState({ status: 'live' });
        handlers.current.onSnapshot(snapshot);
      });
      const apply = (update: TUpdate) => {
        // Relayed updates outside the stream's sequence (the suite-run stream's EXECUTION_STARTED carries
        // `executionSeq`, not `seq`) are not part of the ordering: apply them as they come.
        if (typeof update.seq !== 'number') {
          handlers.current.onUpdate(update);
          return;
        }
        const verdict = judgeUpdate(lastSeq, update.seq);
        if (verdict === 'apply') {
          lastSeq = update.seq;
          handlers.current.onUpdate(update);
        } else if (verdict === 'gap' && !awaitingSnapshot) {
          awaitingSnapshot = true;
          setState({ status: 'resyncing' });
          join();
        }
      };
      socket.on('update', apply);
      // Joined with `batch: true`: the updates of one worker message arrive as one event (one WebSocket
      // frame and one parse instead of one per update), applied in order like single ones.
      socket.on('updates', (updates: TUpdate[]) => updates.forEach(apply));
      // The server refuses a stale handshake token with an `error` event: refresh once, then reconnect.
      socket.on('error', async (error: { message?: string } | string) => {
        const message = typeof error === 'string' ? error : (error?.message ?? 'Live stream error');
        if (!refreshedForError && (await session.refresh())) {
          refreshedForError = true;
          socket?.connect();
          return;
        }
        setState({ status: 'error', error: message });
      });
      socket.on('disconnect', () => !closed && setState({ status: 'connecting' }));
    });

    return () => {
      closed = true;
      rejoinRef.current = () => undefined;
      socket?.disconnect();
    };
  }, [joinKey, options.namespace, session]);

  const rejoin = useCallback(() => rejoinRef.current(), []);
  return { ...state, rejoin };
}
