import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { AuthProvider } from '../auth/auth-context';
import { Session } from '../auth/session';
import { fakeFetch, memoryStorage } from '../test/fake-api';
import { useLiveStream } from './use-live-stream';

// A stand-in socket: records `join` emits and lets the test fire server events.
const fake = vi.hoisted(() => {
  const handlers = new Map<string, (payload?: unknown) => void>();
  const joins: unknown[] = [];
  const socket = {
    on: (event: string, handler: (payload?: unknown) => void) => void handlers.set(event, handler),
    emit: (event: string, payload: unknown) => void (event === 'join' && joins.push(payload)),
    disconnect: () => undefined,
    connect: () => undefined,
  };
  return { handlers, joins, socket, fire: (event: string, payload?: unknown) => handlers.get(event)?.(payload) };
});
vi.mock('socket.io-client', () => ({ io: () => fake.socket }));

describe('useLiveStream', () => {
  /** The hook on execution e1, connected; records the seq of every snapshot and update it hands over. */
  async function connectedStream() {
    const session = new Session(memoryStorage(), fakeFetch({}).impl);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={new QueryClient()}>
        <AuthProvider session={session}>{children}</AuthProvider>
      </QueryClientProvider>
    );
    const snapshots: number[] = [];
    const updates: number[] = [];
    const { result } = renderHook(
      () => useLiveStream<{ seq: number }, { seq: number }>({ namespace: '/executions', join: { executionId: 'e1' }, onSnapshot: (s) => snapshots.push(s.seq), onUpdate: (u) => updates.push(u.seq) }),
      { wrapper },
    );
    await waitFor(() => expect(fake.handlers.has('connect')).toBe(true));
    fake.joins.length = 0; // the stand-in socket is shared by the tests
    act(() => fake.fire('connect'));
    return { result, snapshots, updates };
  }

  it('re-joins once for a run of gapped updates, applies in order after the fresh snapshot, and re-joins on request', async () => {
    const { result, snapshots, updates } = await connectedStream();
    expect(fake.joins).toEqual([{ executionId: 'e1', batch: true }]);
    act(() => fake.fire('snapshot', { seq: 3 }));
    act(() => [4, 4, 2, 5].forEach((seq) => fake.fire('update', { seq })));
    expect(updates).toEqual([4, 5]);

    act(() => [7, 8, 9].forEach((seq) => fake.fire('update', { seq })));
    expect(fake.joins).toHaveLength(2); // one re-join for the whole gap, not one per update
    expect(result.current.status).toBe('resyncing');
    act(() => fake.fire('snapshot', { seq: 9 }));
    act(() => fake.fire('update', { seq: 10 }));
    expect(snapshots).toEqual([3, 9]);
    expect(updates).toEqual([4, 5, 10]);
    expect(result.current.status).toBe('live');

    act(() => result.current.rejoin());
    act(() => result.current.rejoin());
    expect(fake.joins).toHaveLength(3);
  });

  it('applies an `updates` batch like the same updates one by one: in order, duplicates dropped, one re-join for a gap inside it', async () => {
    const { result, updates } = await connectedStream();
    act(() => fake.fire('snapshot', { seq: 3 }));
    act(() => fake.fire('updates', [{ seq: 4 }, { seq: 5 }, { seq: 5 }, { seq: 6 }]));
    expect(updates).toEqual([4, 5, 6]);
    act(() => fake.fire('updates', [{ seq: 7 }, { seq: 9 }, { seq: 10 }]));
    expect(updates).toEqual([4, 5, 6, 7]);
    expect(fake.joins).toHaveLength(2);
    expect(result.current.status).toBe('resyncing');
  });
});
