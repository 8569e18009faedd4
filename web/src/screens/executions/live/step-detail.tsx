import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { type AssertionResult, executionStepQuery, type ExecutionStepDetail } from '../../../api/executions';
import { useApi } from '../../../auth/auth-context';
import { ErrorMessage } from '../../../components/error-message';
import { formatBytes, JsonViewer } from '../../../components/json-viewer';
import { StatusBadge } from '../../../components/status-badge';
import { isStructured, structuralDiff } from '../../../components/structural-diff';
import { useTeamId } from '../../../teams/current-team';
import { formatMs } from './step-timeline';

const FINISHED = ['SUCCESS', 'ERROR', 'FAILED', 'SKIPPED', 'CANCELLED'];

/**
 * One step: the stored request, response and assertions (GET …/steps/{stepId}, fetched when the
 * panel opens and again once the step finishes), falling back to what the live stream carried.
 */
export function StepDetail({ executionId, step, onClose }: { executionId: string; step: ExecutionStepDetail; onClose: () => void }) {
  const api = useApi();
  const teamId = useTeamId();
  const done = FINISHED.includes(step.status);
  // Keyed by status too: the stored request/response/assertions are read again once the step finishes.
  const stepQuery = executionStepQuery(api, teamId, executionId, step.stepId);
  const stored = useQuery({ ...stepQuery, queryKey: [...stepQuery.queryKey, step.status] });
  const detail: ExecutionStepDetail = { ...step, ...(stored.data ?? {}), status: step.status };
  const response = detail.response ?? (done ? undefined : null);

  return (
    <section className="step-detail" aria-labelledby="step-detail-title">
      <header className="step-detail-header">
        <h2 id="step-detail-title">
          {detail.stepIndex + 1}. {detail.name}
        </h2>
        <StatusBadge status={detail.status} />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <p className="muted">
        {detail.type}
        {detail.background ? ' · background' : ''} · {detail.attempts} {detail.attempts === 1 ? 'attempt' : 'attempts'} · {formatMs(detail.durationMs)}
        {detail.childExecutionId && (
          <>
            {' · '}
            <Link to={`/teams/${teamId}/executions/${detail.childExecutionId}`}>child execution</Link>
          </>
        )}
      </p>
      {detail.error && (
        <div className="error" role="note" aria-label="Step error">
          {detail.error}
        </div>
      )}
      <ErrorMessage error={stored.error} />
      <h3>Request</h3>
      {detail.request === undefined || detail.request === null ? <p className="muted">{stored.isPending ? 'Loading…' : 'No request stored.'}</p> : <ResultView value={detail.request} label="Request" />}
      <h3>Response</h3>
      {response === undefined || response === null ? <p className="muted">{done ? 'No response stored.' : 'Waiting for the step to finish…'}</p> : <ResultView value={response} label="Response" />}
      <h3>Assertions</h3>
      <Assertions assertions={detail.assertions} />
      {detail.logs && detail.logs.length > 0 && (
        <>
          <h3>Logs</h3>
          {/* What the step's plugin wrote while it ran (the LogQL a Loki step sent, …), secrets redacted by the server. */}
          <pre className="step-logs" aria-label="Step logs">
            {detail.logs.join('\n')}
          </pre>
        </>
      )}
    </section>
  );
}

/** A request or response: the truncation notice, a headers table when it has headers, and the JSON tree. */
function ResultView({ value, label }: { value: unknown; label: string }) {
  const record = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  const headers = record?.headers && typeof record.headers === 'object' && !Array.isArray(record.headers) ? (record.headers as Record<string, unknown>) : null;
  return (
    <div className="result-view">
      {record?.truncated === true && (
        <p className="note" role="note">
          Truncated: stored {formatBytes(new TextEncoder().encode(JSON.stringify(value)).length)} of {formatBytes(Number(record.originalBytes ?? 0))}
          {record.limit === 'execution' ? ' (the execution’s storage cap was reached)' : ' (over the per-step cap)'}
          {Array.isArray(record.truncatedFields) ? ` — cut fields: ${record.truncatedFields.join(', ')}` : ''}.
        </p>
      )}
      {headers && (
        <table className="headers-table" aria-label={`${label} headers`}>
          <thead>
            <tr>
              <th scope="col">Header</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(headers).map(([name, headerValue]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{Array.isArray(headerValue) ? headerValue.join(', ') : String(headerValue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <JsonViewer value={value} label={label} />
    </div>
  );
}

function Assertions({ assertions }: { assertions: AssertionResult[] | undefined }) {
  if (!assertions?.length) return <p className="muted">No assertions.</p>;
  return (
    <table aria-label="Assertion results">
      <thead>
        <tr>
          <th scope="col">Result</th>
          <th scope="col">Path</th>
          <th scope="col">Operator</th>
          <th scope="col">Expected</th>
          <th scope="col">Actual</th>
        </tr>
      </thead>
      <tbody>
        {assertions.map((a, i) => (
          <tr key={i}>
            <td>
              <span className={`badge ${a.passed ? 'ok' : 'bad'}`}>{a.passed ? 'passed' : 'failed'}</span>
            </td>
            <th scope="row">
              <code>{a.path}</code>
            </th>
            <td>{a.operator}</td>
            <td>
              <code>{JSON.stringify(a.expected) ?? '—'}</code>
            </td>
            <td>
              <code>{a.actual === undefined ? '(nothing)' : JSON.stringify(a.actual)}</code>
              {a.actualTruncated && <span className="muted"> (preview of {formatBytes(a.actualBytes ?? 0)})</span>}
              {!a.passed && isStructured(a.expected, a.actual) && <Diff expected={a.expected} actual={a.actual} />}
              {!a.passed && <div className="muted">{a.message}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Diff({ expected, actual }: { expected: unknown; actual: unknown }) {
  const differences = structuralDiff(expected, actual);
  return (
    <ul className="diff" aria-label="Differences">
      {differences.map((d) => (
        <li key={d.path} className={`diff-${d.kind}`}>
          <code>{d.path}</code>{' '}
          {d.kind === 'missing' && <>missing (expected {JSON.stringify(d.expected)})</>}
          {d.kind === 'extra' && <>unexpected {JSON.stringify(d.actual)}</>}
          {d.kind === 'changed' && (
            <>
              expected {JSON.stringify(d.expected)}, was {JSON.stringify(d.actual)}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
