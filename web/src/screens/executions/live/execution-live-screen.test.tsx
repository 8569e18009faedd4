import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionDetail, ExecutionUpdate } from '../../../api/executions';
import type { LiveStreamOptions } from '../../../live/use-live-stream';
import { renderSignedIn } from '../../../test/render-app';
import { ExecutionLiveScreen } from './execution-live-screen';

// The socket is replaced by a handle on the hook's callbacks: this test drives the screen's batching.
const stream = vi.hoisted(() => ({
  options: null as null | LiveStreamOptions<ExecutionDetail, ExecutionUpdate>,
  rejoin: vi.fn(),
}));
vi.mock('../../../live/use-live-stream', () => ({
  useLiveStream: (options: LiveStreamOptions<ExecutionDetail, ExecutionUpdate>) => {
    stream.options = options;
    return { status: 'live', rejoin: stream.rejoin };
  },
}));

const TEAM = '5e1a0000-0000-4000-8000-000000000001';
const T0 = Date.parse('2026-11-27T16:00:00.000Z');

function snapshot(stepCount: number): ExecutionDetail {
  return {
    id: 'e1', teamId: TEAM, flowId: 'f1', flowVersion: 4, flowName: 'big flow', status: 'IN_PROGRESS', trigger: 'api', suiteRunId: null, error: null,
    seq: 1, createdAt: new Date(T0).toISOString(), startedAt: new Date(T0).toISOString(), finishedAt: null, variables: { sku: 'A-1' },
    correlationId: 'corr-123', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', links: { trace: 'https://traces.example/trace/4bf92f3577b34da6a3ce929d0e0e4736' },
    steps: Array.from({ length: stepCount }, (_, i) => ({
      stepIndex: i, stepId: `s${i}`, name: `step_${i}`, type: 'delay', background: false, status: 'PENDING', attempts: 0, error: null,
      startedAt: null, finishedAt: null, durationMs: null, childExecutionId: null,
    })),
  };
}

const finished = (seq: number, stepIndex: number): ExecutionUpdate => ({
  executionId: 'e1', teamId: TEAM, seq, updateType: 'STEP_FINISHED', executionStatus: 'IN_PROGRESS', at: new Date(T0 + seq).toISOString(),
  stepUpdate: { stepIndex, stepId: `s${stepIndex}`, name: `step_${stepIndex}`, status: 'SUCCESS', attempts: 1, durationMs: 1 },
});

describe('ExecutionLiveScreen', () => {
  let frames: FrameRequestCallback[];
  beforeEach(() => {
    frames = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => undefined);
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(480);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(900);
  });

  async function open() {
    const view = await renderSignedIn([{ path: '/teams/:teamId/executions/:executionId', element: <ExecutionLiveScreen /> }], `/teams/${TEAM}/executions/e1`, {
      'GET /teams': () => ({ status: 200, body: [{ id: TEAM, orgId: 'o', name: 'Payments', role: 'editor', createdAt: '', executionRetentionDays: null }] }),
      [`POST /teams/${TEAM}/flows/run`]: () => ({ status: 201, body: { ...snapshot(1), id: 'e2' } }),
    });
    await waitFor(() => expect(stream.options).not.toBeNull());
    return view;
  }

  it('applies 200 updates that arrive within one frame in a single batch, on a 1,000-step run', async () => {
    await open();
    act(() => stream.options!.onSnapshot(snapshot(1000)));
    await screen.findByRole('heading', { name: /big flow/ });
    expect(screen.getByText('0 of 1000 done')).toBeTruthy();
    expect(screen.getAllByRole('listitem').length).toBeLessThan(40);

    act(() => {
      for (let i = 0; i < 200; i++) stream.options!.onUpdate(finished(i + 2, i));
    });
    expect(screen.getByText('0 of 1000 done')).toBeTruthy(); // nothing rendered before the frame
    expect(frames).toHaveLength(1); // one frame scheduled for all 200
    act(() => frames.splice(0).forEach((f) => f(0)));
    expect(screen.getByText('200 of 1000 done')).toBeTruthy();
    expect(screen.getByRole('button', { name: /^1\. step_0 .*success/ })).toBeTruthy();
    expect(stream.rejoin).not.toHaveBeenCalled();
  });

  it('asks the stream to re-join when the reducer sees a gap', async () => {
    await open();
    act(() => stream.options!.onSnapshot(snapshot(3)));
    act(() => stream.options!.onUpdate(finished(5, 0)));
    act(() => frames.splice(0).forEach((f) => f(0)));
    expect(stream.rejoin).toHaveBeenCalledTimes(1);
  });

  it('shows the correlation id and trace link, and re-runs the same version with the same variables', async () => {
    const { calls, router } = await open();
    act(() => stream.options!.onSnapshot(snapshot(1)));
    expect(screen.getByText('corr-123')).toBeTruthy();
    expect(screen.getByRole('link', { name: /Open trace/ }).getAttribute('href')).toBe('https://traces.example/trace/4bf92f3577b34da6a3ce929d0e0e4736');

    await userEvent.click(await screen.findByRole('button', { name: 'Re-run' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/teams/${TEAM}/executions/e2`));
    expect(calls.find((c) => c.path.endsWith('/flows/run'))!.body).toEqual({ flowId: 'f1', version: 4, variables: [{ name: 'sku', value: 'A-1' }] });
  });
});
