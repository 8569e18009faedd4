import { queryOptions } from '@tanstack/react-query';
import type { JsonSchema } from '../screens/flow-editor/json-schema';
import type { ApiClient } from './api-client';

/** One entry of GET /step-types: the editor builds its forms and completions from these alone. */
export interface StepType {
  type: string;
  description: string;
  /** The resource type `config.resourceId` must name, when the step uses a resource. */
  resourceType?: string;
  configSchema: JsonSchema;
  resultSchema: JsonSchema;
}

export function stepTypesQuery(api: ApiClient) {
  return queryOptions({
    queryKey: ['step-types'],
    queryFn: ({ signal }) => api.get<StepType[]>('/step-types', undefined, signal),
    staleTime: Infinity, // the catalogue changes only with a deployment
  });
}
