import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { downloadSuiteReport, type SuiteRun, type SuiteRunUpdate } from '../../api/suites';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { StatusBadge } from '../../components/status-badge';
import { useLiveStream } from '../../live/use-live-stream';
import { useTeamId } from '../../teams/current-team';
import { applySuiteRunUpdate } from './suite-run-state';

const COUNT_LABELS = ['passed', 'failed', 'cancelled', 'running', 'pending', 'total'] as const;

/** `/suite-runs/:suiteRunId`: live counts and per-flow status from the /suite-runs stream, links to each execution, reports. */
export function SuiteRunScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const { suiteRunId = '' } = useParams();
  const [run, setRun] = useState<SuiteRun>();
  const live = useLiveStream<SuiteRun, SuiteRunUpdate & { seq: number }>({
    namespace: '/suite-runs',
    join: { suiteRunId },
    onSnapshot: setRun,
    onUpdate: (update) => setRun((current) => (current ? applySuiteRunUpdate(current, update) : current)),
  });
  const download = useMutation({ mutationFn: (format: 'xml' | 'json') => downloadSuiteReport(api, teamId, suiteRunId, format) });

  return (
    <section aria-labelledby="suite-run-title" className="stack">
      <p>{run && <Link to={`/teams/${teamId}/suites/${run.suiteId}`}>← Suite {run.suiteName}</Link>}</p>
      <h1 id="suite-run-title">Suite run {run?.suiteName ?? ''}</h1>
      {live.status === 'error' && <ErrorMessage error={new Error(live.error)} />}
      {!run && live.status !== 'error' && <Loading label="Connecting to the suite run" />}
      {run && (
        <>
          <p>
            Status: <StatusBadge status={run.status} /> <span className="muted">({live.status === 'live' ? 'live' : live.status})</span>
          </p>
          {run.stopReason && <p className="note">{run.stopReason}</p>}
          <dl className="counts" aria-label="Counts">
            {COUNT_LABELS.map((key) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd data-testid={`count-${key}`}>{run.counts[key]}</dd>
              </div>
            ))}
          </dl>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Flow</th>
                <th scope="col">Status</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {run.items.map((item) => (
                <tr key={item.executionId}>
                  <td>{item.position + 1}</td>
                  <th scope="row">
                    <Link to={`/teams/${teamId}/executions/${item.executionId}`}>{item.flowName}</Link>
                  </th>
                  <td>
                    <StatusBadge status={item.status} />
                  </td>
                  <td>{item.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="toolbar">
            <button type="button" onClick={() => download.mutate('xml')} disabled={download.isPending}>
              Download JUnit report
            </button>
            <button type="button" onClick={() => download.mutate('json')} disabled={download.isPending}>
              Download JSON report
            </button>
          </div>
          <ErrorMessage error={download.error} />
        </>
      )}
    </section>
  );
}
