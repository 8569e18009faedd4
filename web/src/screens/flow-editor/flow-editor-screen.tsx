import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useLayoutEffect, useReducer, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { parse as parseYaml } from 'yaml';
import { createFlow, exportFlow, flowQuery, flowVersionsQuery, importFlows, updateFlow } from '../../api/flow-editing';
import { flowKeys } from '../../api/flows';
import { resourcesQuery } from '../../api/resources';
import { stepTypesQuery } from '../../api/step-types';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { CanEdit } from '../../teams/can';
import { useCan, useTeamId } from '../../teams/current-team';
import { editorReducer, initialEditorState } from './editor-state';
import { documentOf, emptyFlow, type FlowDocument } from './flow-document';
import { FlowForm } from './flow-form';
import { placeProblems, problemPointer, type FlowProblem } from './problem-placement';
import { RunDialog } from './run-dialog';
import { problemsOf, useValidation } from './use-validation';
import { VersionsPanel } from './versions-panel';
import './flow-editor.css';

const CodeEditor = lazy(() => import('./code-editor'));

/** `/teams/:teamId/flows/new` and `/teams/:teamId/flows/:flowId`: the flow editor with versions, import/export and run. */
export function FlowEditorScreen() {
  const { flowId } = useParams();
  const teamId = useTeamId();
  const api = useApi();
  const canEdit = useCan('editor');
  const isNew = !flowId || flowId === 'new';
  const stepTypes = useQuery(stepTypesQuery(api));
  const resources = useQuery(resourcesQuery(api, teamId, { pageSize: 100 }));
  const flow = useQuery({ ...flowQuery(api, teamId, flowId ?? ''), enabled: !isNew });
  // The versions panel needs only the id from the URL: start its request with the flow's, not after it
  // (no waterfall; bench/web-navigation.bench.ts). No re-render here when it answers.
  useQuery({ ...flowVersionsQuery(api, teamId, flowId ?? ''), enabled: !isNew, notifyOnChangeProps: [] });
  const [state, dispatch] = useReducer(editorReducer, emptyFlow(), initialEditorState);
  const loadedVersion = flow.data ? `${flow.data.id}@${flow.data.version}` : isNew ? 'new' : undefined;
  // Which loaded version state.doc holds: until the effect below has run, state.doc is still the empty
  // document, and validating it would cost a request and show its problems for a moment.
  const [docVersion, setDocVersion] = useState<string>();

  useEffect(() => {
    if (flow.data) dispatch({ type: 'load', doc: documentOf(flow.data) });
    else if (isNew) dispatch({ type: 'load', doc: emptyFlow() });
    setDocVersion(loadedVersion);
    // Reload the document when another version becomes the latest (save, restore), not on every refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loadedVersion]);

  const validation = useValidation(api, teamId, state.doc, canEdit && !state.textError && !!docVersion && docVersion === loadedVersion, !state.dirty);
  const [saveProblems, setSaveProblems] = useState<FlowProblem[] | undefined>();
  const problems = saveProblems ?? validation.problems;
  useEffect(() => setSaveProblems(undefined), [state.doc]);

  // Problems go beside their control when the form shows one for their pointer; the rest are listed on top.
  const [placement, setPlacement] = useState<ReturnType<typeof placeProblems>>({ inline: new Map(), unplaced: [] });
  useLayoutEffect(() => {
    const next = placeProblems(problems, (id) => state.view === 'form' && document.getElementById(id) !== null);
    if (JSON.stringify([...next.inline, next.unplaced]) !== JSON.stringify([...placement.inline, placement.unplaced])) setPlacement(next);
  });

  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: async (doc: FlowDocument) => {
      const found = await problemsOf(api, teamId, doc);
      if (found.length) {
        setSaveProblems(found);
        return undefined;
      }
      return isNew ? createFlow(api, teamId, doc) : updateFlow(api, teamId, flowId!, doc, flow.data!.version);
    },
    onSuccess: async (saved) => {
      if (!saved) return;
      dispatch({ type: 'saved' });
      await queryClient.invalidateQueries({ queryKey: flowKeys(teamId) });
      if (isNew) navigate(`/teams/${teamId}/flows/${saved.id}`);
    },
  });
  const [running, setRunning] = useState(false);

  if (stepTypes.error || flow.error || resources.error) return <ErrorMessage error={stepTypes.error ?? flow.error ?? resources.error} />;
  if (!stepTypes.data || (!isNew && !flow.data)) return <Loading label="Loading the flow" />;

  const problemCount = problems.length + (state.textError ? 1 : 0);
  const title = isNew ? 'New flow' : `Flow: ${flow.data!.name}`;

  return (
    <section aria-labelledby="editor-title" className="flow-editor">
      <h1 id="editor-title">{title}</h1>
      {!isNew && (
        <p className="muted">
          Version {flow.data!.version}
          {state.dirty && ' · unsaved changes'}
        </p>
      )}
      <div className="toolbar editor-toolbar">
        <div role="group" aria-label="View" className="segmented">
          {(['form', 'json', 'yaml'] as const).map((view) => (
            <button key={view} type="button" aria-pressed={state.view === view} disabled={view === 'form' && !!state.textError} onClick={() => dispatch({ type: 'view', view })}>
              {view === 'form' ? 'Form' : view.toUpperCase()}
            </button>
          ))}
        </div>
        <CanEdit>
          <button
            type="button"
            className="primary"
            disabled={problemCount > 0 || save.isPending || validation.checking || (!isNew && !state.dirty)}
            onClick={() => save.mutate(state.doc)}
          >
            {problemCount > 0 ? `Save (${problemCount} problem${problemCount === 1 ? '' : 's'})` : save.isPending ? 'Saving…' : 'Save'}
          </button>
          {!isNew && (
            <button type="button" onClick={() => setRunning(true)}>
              Run
            </button>
          )}
        </CanEdit>
        {!isNew && <ExportButtons teamId={teamId} flowId={flowId!} name={flow.data!.name} />}
        {isNew && (
          <CanEdit>
            <ImportButton teamId={teamId} />
          </CanEdit>
        )}
      </div>
      <p role="status" className="muted validation-status">
        {!canEdit ? 'Read only: your role in this team is viewer.' : validation.checking ? 'Checking…' : problemCount ? `${problemCount} problem${problemCount === 1 ? '' : 's'}` : 'No problems found'}
      </p>
      <ErrorMessage error={save.error ?? validation.error} />
      {placement.unplaced.length > 0 && (
        <div className="error" role="alert">
          <p>Problems:</p>
          <ul>
            {placement.unplaced.map((p, i) => (
              <li key={i}>
                <code>{problemPointer(p) || '/'}</code> {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {state.view === 'form' ? (
        <FlowForm doc={state.doc} catalogue={stepTypes.data} resources={resources.data?.items ?? []} problems={placement.inline} readOnly={!canEdit} dispatch={dispatch} />
      ) : (
        <div className="text-view">
          <Suspense fallback={<Loading label="Loading the text editor" />}>
            <CodeEditor
              value={state.text}
              format={state.view}
              label={`Flow as ${state.view.toUpperCase()}`}
              readOnly={!canEdit}
              onChange={(text) => dispatch({ type: 'text', text })}
            />
          </Suspense>
          {state.textError && (
            <p className="error" role="alert">
              {state.textError}
            </p>
          )}
        </div>
      )}
      {!isNew && (
        <VersionsPanel
          key={flow.data!.version}
          teamId={teamId}
          flowId={flowId!}
          latest={flow.data!.version}
          onRestored={(restored) => dispatch({ type: 'load', doc: documentOf(restored) })}
        />
      )}
      {running && flow.data && <RunDialog teamId={teamId} flowId={flow.data.id} variables={flow.data.variables} onClose={() => setRunning(false)} />}
    </section>
  );
}

function ExportButtons({ teamId, flowId, name }: { teamId: string; flowId: string; name: string }) {
  const api = useApi();
  const download = useMutation({
    mutationFn: async (format: 'json' | 'yaml') => {
      const body = await exportFlow(api, teamId, flowId, format);
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
      const url = URL.createObjectURL(new Blob([text], { type: format === 'json' ? 'application/json' : 'application/yaml' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.flow.${format}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });
  return (
    <>
      <button type="button" onClick={() => download.mutate('json')}>
        Export JSON
      </button>
      <button type="button" onClick={() => download.mutate('yaml')}>
        Export YAML
      </button>
      <ErrorMessage error={download.error} />
    </>
  );
}

/** Imports an ats.flows document (JSON or YAML file) and opens the first imported flow. */
function ImportButton({ teamId }: { teamId: string }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const text = await file.text();
      const parsed = parseDocumentFile(text, file.name);
      return importFlows(api, teamId, parsed, 'fail');
    },
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: flowKeys(teamId) });
      const first = result.imported[0];
      navigate(first ? `/teams/${teamId}/flows/${first.id}` : `/teams/${teamId}/flows`);
    },
  });
  return (
    <>
      <label className="file-input">
        Import flows from a file
        <input type="file" accept=".json,.yaml,.yml,application/json,application/yaml" onChange={(e) => e.target.files?.[0] && upload.mutate(e.target.files[0])} />
      </label>
      <ErrorMessage error={upload.error} />
    </>
  );
}

function parseDocumentFile(text: string, fileName: string): unknown {
  // The API validates the document; only its syntax is checked here.
  try {
    return /\.ya?ml$/i.test(fileName) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName}: ${(error as Error).message.split('\n')[0]}`);
  }
}
