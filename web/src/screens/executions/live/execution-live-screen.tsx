import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useReducer, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { cancelExecution, type ExecutionDetail, executionKeys, type ExecutionUpdate, rerunExecution } from '../../../api/executions';
import { useApi } from '../../../auth/auth-context';
import { ErrorMessage } from '../../../components/error-message';
import { Loading } from '../../../components/loading';
import { StatusBadge } from '../../../components/status-badge';
import { createFrameBatcher } from '../../../live/frame-batcher';
import { useLiveStream } from '../../../live/use-live-stream';
import { CanEdit } from '../../../teams/can';
import { useTeamId } from '../../../teams/current-team';
import { ReportDownloads } from '../report-downloads';
import { INITIAL_LIVE_STATE, liveExecutionReducer } from './execution-live-state';
import { StepDetail } from './step-detail';
import { StepList } from './step-list';
import { formatMs, timelineSpan } from './step-timeline';

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

/**
 * One execution, live: the snapshot from the `/executions` stream, then its updates batched per
 * animation frame into the reducer (one render per frame however fast they come). A gap the reducer
 * sees, or a dropped socket, re-joins for a fresh snapshot.
 */
export function ExecutionLiveScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const { executionId = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(liveExecutionReducer, INITIAL_LIVE_STATE);
  const [selected, setSelected] = useState<number | null>(null);
  const batcher = useMemo(() => createFrameBatcher<ExecutionUpdate>((updates) => dispatch({ type: 'updates', updates })), []);
  useEffect(() => () => batcher.clear(), [batcher]);

  const stream = useLiveStream<ExecutionDetail, ExecutionUpdate>({
    namespace: '/executions',
    join: executionId ? { executionId } : null,
    onSnapshot: (snapshot) => {
      batcher.clear(); // queued updates are older than (or in) the snapshot
      dispatch({ type: 'snapshot', snapshot });
    },
    onUpdate: (update) => batcher.push(update),
  });
  const { rejoin } = stream;
  useEffect(() => {
    if (state.resyncNeeded) rejoin();
  }, [state.resyncNeeded, rejoin]);

  useEffect(() => setSelected(null), [executionId]);
  const execution = state.execution?.id === executionId ? state.execution : null;
  const running = !!execution && !TERMINAL.includes(execution.status);
  const now = useNow(running);

  const cancel = useMutation({
    mutationFn: () => cancelExecution(api, teamId, executionId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: executionKeys(teamId) }),
  });
  const rerun = useMutation({
    mutationFn: () => rerunExecution(api, teamId, execution!),
    onSuccess: (next) => {
      void queryClient.invalidateQueries({ queryKey: executionKeys(teamId) });
      navigate(`/teams/${teamId}/executions/${next.id}`);
    },
  });

  if (!execution) {
    return (
      <section aria-labelledby="execution-title">
        <h1 id="execution-title">Execution</h1>
        {stream.status === 'error' ? <p className="error" role="alert">{stream.error}</p> : <Loading label="Connecting to the live stream" />}
      </section>
    );
  }

  const span = timelineSpan(execution, now);
  const selectedStep = selected === null ? undefined : execution.steps.find((s) => s.stepIndex === selected);
  const done = execution.steps.filter((s) => !['PENDING', 'IN_PROGRESS'].includes(s.status)).length;

  return (
    <section aria-labelledby="execution-title" className="execution-live">
      <header className="execution-header">
        <h1 id="execution-title">
          {execution.flowName} <span className="muted">v{execution.flowVersion}</span>
        </h1>
        <span role="status" aria-label="Execution status">
          <StatusBadge status={execution.status} />
        </span>
        <span className="muted live-indicator">{running ? liveLabel(stream.status) : ''}</span>
        <span className="actions">
          <CanEdit>
            {running && (
              <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending || !!execution.cancelRequestedAt}>
                {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
              </button>
            )}
            <button type="button" onClick={() => rerun.mutate()} disabled={rerun.isPending}>
              Re-run
            </button>
          </CanEdit>
          {!running && <ReportDownloads teamId={teamId} executionId={execution.id} label={execution.flowName} />}
        </span>
      </header>
      <ErrorMessage error={cancel.error ?? rerun.error} />
      <dl className="execution-facts">
        <div>
          <dt>Steps</dt>
          <dd>
            {done} of {execution.steps.length} done
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{execution.startedAt ? formatMs(span.end - span.start) : 'not started'}</dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd>{execution.trigger}</dd>
        </div>
        {execution.correlationId && (
          <div>
            <dt>Correlation id</dt>
            <dd>
              <code>{execution.correlationId}</code>
            </dd>
          </div>
        )}
        {execution.links?.trace && (
          <div>
            <dt>Trace</dt>
            <dd>
              <a href={execution.links.trace} target="_blank" rel="noreferrer">
                Open trace {execution.traceId?.slice(0, 8)}…
              </a>
            </dd>
          </div>
        )}
        {execution.parentExecutionId && (
          <div>
            <dt>Started by</dt>
            <dd>
              <Link to={`/teams/${teamId}/executions/${execution.parentExecutionId}`}>parent execution</Link>
            </dd>
          </div>
        )}
      </dl>
      {execution.error && (
        <p className="error" role="note" aria-label="Execution error">
          {execution.error}
        </p>
      )}
      <div className={`execution-body${selectedStep ? ' with-detail' : ''}`}>
        <StepList steps={execution.steps} span={span} now={now} nextAttemptAt={state.nextAttemptAt} selected={selected} onSelect={setSelected} />
        {selectedStep && <StepDetail executionId={execution.id} step={selectedStep} onClose={() => setSelected(null)} />}
      </div>
      {execution.outputs && Object.keys(execution.outputs).length > 0 && (
        <>
          <h2>Outputs</h2>
          <pre className="outputs">{JSON.stringify(execution.outputs, null, 2)}</pre>
        </>
      )}
    </section>
  );
}

/** The current time, ticking every 250 ms while `active` (running bars, elapsed times, countdowns). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!active) return;
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, [active]);
  return now;
}

function liveLabel(status: string): string {
  if (status === 'live') return '● live';
  if (status === 'resyncing') return 'resyncing…';
  return status === 'error' ? 'stream error' : 'reconnecting…';
}
