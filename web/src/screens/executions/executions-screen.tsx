import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { EXECUTION_STATUSES, EXECUTION_TRIGGERS, executionsQuery } from '../../api/executions';
import { flowsQuery } from '../../api/flows';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { Pager } from '../../components/pager';
import { StatusBadge } from '../../components/status-badge';
import { useTeamId } from '../../teams/current-team';
import { ReportDownloads } from './report-downloads';

/**
 * Run history, newest first, filtered by flow, status, trigger and a time range (local date-times in
 * the URL, sent as ISO instants); each row links to the live view and offers JUnit/JSON reports.
 */
export function ExecutionsScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const [params, setParams] = useSearchParams();
  const filters = {
    flowId: params.get('flowId') ?? undefined,
    status: params.get('status') ?? undefined,
    trigger: params.get('trigger') ?? undefined,
    from: toIso(params.get('from')),
    to: toIso(params.get('to')),
    page: Number(params.get('page') ?? 1),
    pageSize: 20,
  };
  const executions = useQuery(executionsQuery(api, teamId, filters));
  // For the flow filter's options; fetched beside the list, not before it.
  const flows = useQuery(flowsQuery(api, teamId, { pageSize: 100, sort: 'name' }));

  const setFilter = (key: string, value: string) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      value ? next.set(key, value) : next.delete(key);
      if (key !== 'page') next.delete('page');
      return next;
    });

  return (
    <section aria-labelledby="executions-title">
      <h1 id="executions-title">Executions</h1>
      <div className="toolbar">
        <label>
          Flow
          <select value={filters.flowId ?? ''} onChange={(event) => setFilter('flowId', event.target.value)}>
            <option value="">All flows</option>
            {flows.data?.items.map((flow) => (
              <option key={flow.id} value={flow.id}>
                {flow.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={filters.status ?? ''} onChange={(event) => setFilter('status', event.target.value)}>
            <option value="">Any status</option>
            {EXECUTION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status.toLowerCase().replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Trigger
          <select value={filters.trigger ?? ''} onChange={(event) => setFilter('trigger', event.target.value)}>
            <option value="">Any trigger</option>
            {EXECUTION_TRIGGERS.map((trigger) => (
              <option key={trigger} value={trigger}>
                {trigger}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" value={params.get('from') ?? ''} onChange={(event) => setFilter('from', event.target.value)} />
        </label>
        <label>
          To
          <input type="datetime-local" value={params.get('to') ?? ''} onChange={(event) => setFilter('to', event.target.value)} />
        </label>
      </div>
      <ErrorMessage error={executions.error} />
      {executions.isPending && <Loading label="Loading executions" />}
      {executions.data && executions.data.items.length === 0 && <p>No executions match.</p>}
      {executions.data && executions.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Flow</th>
              <th scope="col">Status</th>
              <th scope="col">Trigger</th>
              <th scope="col">Steps</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Reports</th>
            </tr>
          </thead>
          <tbody>
            {executions.data.items.map((execution) => (
              <tr key={execution.id}>
                <th scope="row">
                  <Link to={`/teams/${teamId}/executions/${execution.id}`}>
                    {execution.flowName} <span className="muted">v{execution.flowVersion}</span>
                  </Link>
                </th>
                <td>
                  <StatusBadge status={execution.status} />
                </td>
                <td>{execution.trigger}</td>
                <td>{execution.steps.length}</td>
                <td>
                  <time dateTime={execution.createdAt}>{new Date(execution.createdAt).toLocaleString()}</time>
                </td>
                <td>{formatDuration(execution.startedAt, execution.finishedAt)}</td>
                <td>
                  {execution.finishedAt ? <ReportDownloads teamId={teamId} executionId={execution.id} label={`${execution.flowName} run of ${new Date(execution.createdAt).toLocaleString()}`} /> : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {executions.data && <Pager page={executions.data} label="Executions" onPage={(p) => setFilter('page', String(p))} />}
    </section>
  );
}

/** A `datetime-local` value (local time, no zone) as an ISO instant for the API; undefined when empty or invalid. */
export function toIso(local: string | null): string | undefined {
  if (!local) return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

export function formatDuration(startedAt: string | null, finishedAt: string | null): string {
  if (!startedAt || !finishedAt) return '—';
  const ms = new Date(finishedAt).getTime() - new Date(startedAt).getTime();
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
