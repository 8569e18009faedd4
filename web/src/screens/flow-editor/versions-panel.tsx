import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { flowDiffQuery, flowVersionsQuery, restoreFlowVersion, type Flow, type FlowDiff } from '../../api/flow-editing';
import { flowKeys } from '../../api/flows';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { CanEdit } from '../../teams/can';

/** Version history of a saved flow: compare two versions (the server's diff, side by side) and restore one. */
export function VersionsPanel({ teamId, flowId, latest, onRestored }: { teamId: string; flowId: string; latest: number; onRestored(flow: Flow): void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const versions = useQuery(flowVersionsQuery(api, teamId, flowId));
  const [compare, setCompare] = useState<{ from: number; to: number } | undefined>();
  const [from, setFrom] = useState(Math.max(1, latest - 1));
  const [to, setTo] = useState(latest);
  const restore = useMutation({
    mutationFn: (version: number) => restoreFlowVersion(api, teamId, flowId, version),
    onSuccess: async (flow) => {
      await queryClient.invalidateQueries({ queryKey: flowKeys(teamId) });
      onRestored(flow);
    },
  });
  const numbers = versions.data?.items.map((v) => v.version) ?? [];

  return (
    <section aria-labelledby="versions-title" className="versions">
      <h2 id="versions-title">Versions</h2>
      <ErrorMessage error={versions.error ?? restore.error} />
      {versions.isPending && <Loading label="Loading versions" />}
      {versions.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Steps</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.data.items.map((v) => (
              <tr key={v.version}>
                <th scope="row">
                  v{v.version}
                  {v.version === latest && <span className="muted"> (latest)</span>}
                  {v.restoredFrom && <span className="muted"> restored from v{v.restoredFrom}</span>}
                </th>
                <td>{v.stepCount}</td>
                <td>
                  <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>
                </td>
                <td>
                  {v.version !== latest && (
                    <CanEdit>
                      <button
                        type="button"
                        disabled={restore.isPending}
                        onClick={() => {
                          if (window.confirm(`Restore version ${v.version}? It becomes version ${latest + 1}; unsaved edits are lost.`)) restore.mutate(v.version);
                        }}
                      >
                        Restore v{v.version}
                      </button>
                    </CanEdit>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {numbers.length > 1 && (
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setCompare({ from, to });
          }}
        >
          <label>
            From
            <select value={from} onChange={(e) => setFrom(Number(e.target.value))}>
              {numbers.map((n) => (
                <option key={n} value={n}>
                  v{n}
                </option>
              ))}
            </select>
          </label>
          <label>
            To
            <select value={to} onChange={(e) => setTo(Number(e.target.value))}>
              {numbers.map((n) => (
                <option key={n} value={n}>
                  v{n}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Compare</button>
        </form>
      )}
      {compare && <DiffView teamId={teamId} flowId={flowId} from={compare.from} to={compare.to} />}
    </section>
  );
}

function DiffView({ teamId, flowId, from, to }: { teamId: string; flowId: string; from: number; to: number }) {
  const diff = useQuery(flowDiffQuery(useApi(), teamId, flowId, from, to));
  if (diff.error) return <ErrorMessage error={diff.error} />;
  if (!diff.data) return <Loading label="Comparing versions" />;
  return <DiffTable diff={diff.data} />;
}

/** The server's diff in two columns: what only the older version has, and what the newer one has or changed. */
export function DiffTable({ diff }: { diff: FlowDiff }) {
  if (diff.identical) return <p>Versions {diff.from} and {diff.to} are identical.</p>;
  const left: string[] = [
    ...diff.steps.removed.map((s) => `step ${s.index + 1} "${s.name}" (removed)`),
    ...diff.variables.removed.map((name) => `variable ${name} (removed)`),
    ...diff.steps.changed.filter((c) => c.previousName).map((c) => `step named "${c.previousName}"`),
  ];
  const right: string[] = [
    ...diff.steps.added.map((s) => `step ${s.index + 1} "${s.name}" (added)`),
    ...diff.steps.changed.map((c) => `step "${c.name}" changed: ${c.fields.join(', ')}`),
    ...diff.steps.moved.map((m) => `step "${m.name}" moved from ${m.fromIndex + 1} to ${m.toIndex + 1}`),
    ...diff.variables.added.map((name) => `variable ${name} (added)`),
    ...diff.variables.changed.map((v) => `variable ${v.name} changed: ${v.fields.join(', ')}`),
  ];
  return (
    <table className="diff" aria-label={`Differences between v${diff.from} and v${diff.to}`}>
      <thead>
        <tr>
          <th scope="col">v{diff.from}</th>
          <th scope="col">v{diff.to}</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>
            <ul>{left.length ? left.map((line) => <li key={line}>{line}</li>) : <li className="muted">nothing only here</li>}</ul>
          </td>
          <td>
            <ul>{right.map((line) => <li key={line}>{line}</li>)}</ul>
          </td>
        </tr>
      </tbody>
    </table>
  );
}
