import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

/** The editable part of a flow: what POST/PATCH /flows accept (DESIGN.md §5, src/flows/flow-definition.ts). */
export interface FlowDocument {
  name: string;
  description?: string;
  tags?: string[];
  variables?: VariableDeclaration[];
  steps: StepDocument[];
  outputs?: Record<string, string>;
}

export interface VariableDeclaration {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'json';
  default?: unknown;
  required?: boolean;
  description?: string;
}

export interface AssertionDocument {
  path: string;
  operator: string;
  expected?: unknown;
}

export interface StepDocument {
  id?: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
  assertions?: AssertionDocument[];
  timeoutMs?: number;
  retry?: { maxRetries?: number; initialDelayMs?: number; backoffMultiplier?: number; maxDelayMs?: number };
  holdFor?: { durationMs: number; intervalMs: number };
  continueOnFailure?: boolean;
  runInBackground?: boolean;
}

export type TextFormat = 'json' | 'yaml';

export function emptyFlow(): FlowDocument {
  return { name: '', description: '', tags: [], variables: [], steps: [], outputs: {} };
}

/** The document part of a flow the API answered with (drops id, version, timestamps). */
export function documentOf(flow: FlowDocument): FlowDocument {
  const { name, description, tags, variables, steps, outputs } = flow;
  return { name, description, tags, variables, steps, outputs };
}

export function serialize(doc: FlowDocument, format: TextFormat): string {
  return format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : stringifyYaml(doc);
}

/** Parses the text view: the document, or an error message with its line when the parser gives one. */
export function parseDocument(text: string, format: TextFormat): { doc: FlowDocument } | { error: string } {
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    return { error: `${format.toUpperCase()}: ${(error as Error).message.split('\n')[0]}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'The flow must be an object with name and steps' };
  const doc = value as FlowDocument;
  if (!Array.isArray(doc.steps)) return { error: '"steps" must be a list' };
  if (doc.steps.some((s) => s === null || typeof s !== 'object' || Array.isArray(s))) return { error: 'Every step must be an object' };
  return { doc: { ...doc, steps: doc.steps.map((s) => ({ ...s, config: s.config && typeof s.config === 'object' ? s.config : {} })) } };
}
