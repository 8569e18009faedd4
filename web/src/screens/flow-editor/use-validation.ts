import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { validateFlow } from '../../api/flow-editing';
import { flowKeys } from '../../api/flows';
import type { ApiClient } from '../../api/api-client';
import type { FlowDocument } from './flow-document';
import type { FlowProblem } from './problem-placement';

const DEBOUNCE_MS = 400;

/** Problems of a definition as POST /flows/validate words them; [] when valid. Other failures throw. */
export async function problemsOf(api: ApiClient, teamId: string, doc: FlowDocument): Promise<FlowProblem[]> {
  try {
    await validateFlow(api, teamId, doc);
    return [];
  } catch (error) {
    const problems = error instanceof ApiError ? (error.details?.problems as FlowProblem[] | undefined) : undefined;
    if (problems) return problems;
    throw error;
  }
}

/**
 * Validates the document as it is edited (debounced; one request per distinct document, cached).
 * `immediate` (a document as loaded, not edited) skips the debounce: nobody is typing.
 */
export function useValidation(api: ApiClient, teamId: string, doc: FlowDocument, enabled: boolean, immediate = false) {
  const json = JSON.stringify(doc);
  const [debounced, setDebounced] = useState(json);
  useEffect(() => {
    // Kept in step while immediate, so the first edit's debounce starts from the loaded document.
    if (immediate) return setDebounced(json);
    const timer = setTimeout(() => setDebounced(json), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [json, immediate]);
  const settled = immediate ? json : debounced;
  const query = useQuery({
    queryKey: [...flowKeys(teamId), 'validate', settled],
    queryFn: () => problemsOf(api, teamId, JSON.parse(settled) as FlowDocument),
    enabled,
    staleTime: Infinity,
    placeholderData: (previous) => previous,
  });
  return { problems: query.data ?? [], checking: settled !== json || query.isFetching, error: query.error };
}
