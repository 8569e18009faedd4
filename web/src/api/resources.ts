import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from './api-client';
import type { Page } from './page';

/** A resource as the API shows it: secret fields are never sent back (the config holds only non-secrets). */
export interface Resource {
  id: string;
  teamId: string;
  name: string;
  type: string;
  description: string | null;
  labels: Record<string, string>;
  group: string | null;
  namespace: string | null;
  createdAt: string;
  updatedAt: string;
}

export function resourceKeys(teamId: string) {
  return ['teams', teamId, 'resources'] as const;
}

export function resourcesQuery(api: ApiClient, teamId: string, params: { type?: string; page?: number; pageSize?: number }) {
  return queryOptions({
    queryKey: [...resourceKeys(teamId), 'list', params],
    queryFn: ({ signal }) => api.get<Page<Resource>>(`/teams/${teamId}/resources`, { ...params }, signal),
  });
}

/** GET /resource-types: one entry per registered type; its config schema is named, not inlined (see /docs-json). */
export interface ResourceType {
  type: string;
  description: string;
  /** Config paths (dotted) that are secrets: write-only in every form. */
  secretFields: string[];
  /** Name of the config schema under `#/components/schemas` of /docs-json. */
  configSchema: string;
  example: Record<string, unknown>;
}

/** A single resource as GET/PATCH answer it: `secrets` says which secret fields hold a value (values never come back). */
export interface ResourceDetail extends Resource {
  config: Record<string, unknown>;
  secrets: Record<string, boolean>;
  version: number;
}

export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
  details?: Record<string, unknown>;
}

/** A JSON Schema node as Swagger emits it (only what the resource form reads). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  additionalProperties?: boolean | JsonSchema;
  $ref?: string;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  writeOnly?: boolean;
}

export interface OpenApiDocument {
  components: { schemas: Record<string, JsonSchema> };
}

export function resourceTypesQuery(api: ApiClient) {
  return queryOptions({
    queryKey: ['resource-types'],
    queryFn: ({ signal }) => api.get<ResourceType[]>('/resource-types', undefined, signal),
    staleTime: Infinity,
  });
}

/** The OpenAPI document, fetched once per session: the resource types name their config schemas in it. */
export function openApiQuery() {
  return queryOptions({
    queryKey: ['docs-json'],
    queryFn: async ({ signal }) => {
      const res = await fetch('/docs-json', { signal, headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(`Could not load the API schema (${res.status})`);
      return (await res.json()) as OpenApiDocument;
    },
    staleTime: Infinity,
  });
}

export function resourceQuery(api: ApiClient, teamId: string, resourceId: string) {
  return queryOptions({
    queryKey: [...resourceKeys(teamId), 'detail', resourceId],
    queryFn: ({ signal }) => api.get<ResourceDetail>(`/teams/${teamId}/resources/${resourceId}`, undefined, signal),
  });
}

export interface ResourceInput {
  name: string;
  type: string;
  description?: string | null;
  group?: string | null;
  config: Record<string, unknown>;
}

export function createResource(api: ApiClient, teamId: string, input: ResourceInput) {
  return api.post<ResourceDetail>(`/teams/${teamId}/resources`, input);
}

export function updateResource(api: ApiClient, teamId: string, resourceId: string, input: Partial<ResourceInput>) {
  return api.patch<ResourceDetail>(`/teams/${teamId}/resources/${resourceId}`, input);
}

export function deleteResource(api: ApiClient, teamId: string, resourceId: string) {
  return api.delete(`/teams/${teamId}/resources/${resourceId}`);
}

/** Tests a config before saving; with `resourceId`, secret fields left out are taken from the saved resource. */
export function testResourceConfig(api: ApiClient, teamId: string, body: { type: string; config: Record<string, unknown>; resourceId?: string }) {
  return api.post<ConnectionTestResult>(`/teams/${teamId}/resources/test`, body);
}

export function testSavedResource(api: ApiClient, teamId: string, resourceId: string) {
  return api.post<ConnectionTestResult>(`/teams/${teamId}/resources/${resourceId}/test`);
}
