import { resolveSchema, type JsonSchema } from './json-schema';

/** One completion for a `${...}` reference. `insert` replaces what was typed after `${`. */
export interface Suggestion {
  insert: string;
  detail: string;
  /** A prefix (ends with '.'): choosing it keeps the reference open so the user can go deeper. */
  partial?: boolean;
}

export interface SuggestionScope {
  variables: ReadonlyArray<{ name: string; type?: string }>;
  /** The steps before the one being edited (only those can be read), with their result schema. */
  earlierSteps: ReadonlyArray<{ name: string; type: string; resultSchema?: JsonSchema }>;
}

const EXECUTION_FIELDS = ['correlationId', 'traceId', 'id', 'startedAt'];
/** The server's built-in functions (src/flow-language/substitution/builtin-functions.ts). */
const FUNCTIONS = ['uuid()', 'now()', 'nowMs()', 'randomInt(1, 100)', 'randomString(8)'];
/** How deep result schemas are followed: `step.response.body.items` is deep enough to be useful. */
const MAX_DEPTH = 3;

/**
 * Where the caret is inside an unclosed `${`: the offset just after `${` and what was typed since.
 * Undefined when the caret is not in a reference.
 */
export function referenceAtCaret(text: string, caret: number): { start: number; query: string } | undefined {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('${');
  if (open < 0) return undefined;
  const query = before.slice(open + 2);
  if (query.includes('}')) return undefined;
  return { start: open + 2, query };
}

/** Every reference the scope offers, before filtering. */
export function allSuggestions(scope: SuggestionScope): Suggestion[] {
  const out: Suggestion[] = [];
  for (const variable of scope.variables) if (variable.name) out.push({ insert: variable.name, detail: `variable${variable.type ? ` (${variable.type})` : ''}` });
  for (const step of scope.earlierSteps) {
    if (!step.name) continue;
    out.push({ insert: `${step.name}.response.`, detail: `${step.type} step result`, partial: true });
    for (const path of resultPaths(step.resultSchema, step.resultSchema ?? {}, MAX_DEPTH)) {
      out.push({ insert: `${step.name}.response.${path.path}`, detail: path.type });
    }
  }
  for (const field of EXECUTION_FIELDS) out.push({ insert: `execution.${field}`, detail: 'this run' });
  for (const fn of FUNCTIONS) out.push({ insert: fn, detail: 'function' });
  return out;
}

/** The suggestions matching what was typed after `${`: prefix matches first, then substring matches. */
export function suggestionsFor(scope: SuggestionScope, query: string, limit = 50): Suggestion[] {
  const q = query.trim().toLowerCase();
  const all = allSuggestions(scope);
  if (!q) return all.slice(0, limit);
  const prefix = all.filter((s) => s.insert.toLowerCase().startsWith(q) && s.insert.toLowerCase() !== q);
  const inner = all.filter((s) => !s.insert.toLowerCase().startsWith(q) && s.insert.toLowerCase().includes(q));
  return [...prefix, ...inner].slice(0, limit);
}

/** The dotted paths of a result schema's properties, recursively up to `depth` levels. */
export function resultPaths(schema: JsonSchema | undefined, root: JsonSchema, depth: number, prefix = ''): Array<{ path: string; type: string }> {
  const resolved = resolveSchema(schema, root);
  if (!resolved.properties || depth <= 0) return [];
  const out: Array<{ path: string; type: string }> = [];
  for (const [key, child] of Object.entries(resolved.properties)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const childResolved = resolveSchema(child, root);
    const type = Array.isArray(childResolved.type) ? childResolved.type.join(' | ') : (childResolved.type ?? 'any');
    out.push({ path, type });
    out.push(...resultPaths(childResolved, root, depth - 1, path));
  }
  return out;
}

/**
 * The text after choosing `suggestion` for the reference at the caret: the typed query is replaced, and a
 * complete reference is closed with `}` (unless one follows already). Returns the new caret too.
 */
export function applySuggestion(text: string, caret: number, suggestion: Suggestion): { text: string; caret: number } {
  const at = referenceAtCaret(text, caret);
  if (!at) return { text, caret };
  const after = text.slice(caret);
  const close = suggestion.partial || after.startsWith('}') ? '' : '}';
  const next = text.slice(0, at.start) + suggestion.insert + close + after;
  const nextCaret = at.start + suggestion.insert.length + close.length;
  return { text: next, caret: nextCaret };
}
