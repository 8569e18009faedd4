import { isObject } from './flow-files';

/**
 * A flow's content as the server stores it (defaults spelled out, step ids left out, outputs in name
 * order) so that a file and the exported latest version compare equal when a push would change nothing.
 * Mirrors src/flows/flow-normalizer.ts; if they drift the only effect is a needless PATCH, which the
 * server answers without a new version.
 */
export function canonicalFlow(flow: Record<string, unknown>): Record<string, unknown> {
  const steps = Array.isArray(flow.steps) ? flow.steps : [];
  const variables = Array.isArray(flow.variables) ? flow.variables : [];
  const outputs = isObject(flow.outputs) ? flow.outputs : {};
  return {
    description: typeof flow.description === 'string' ? flow.description : '',
    tags: Array.isArray(flow.tags) ? [...new Set(flow.tags)] : [],
    variables: variables.map((v: Record<string, unknown>) => ({
      name: v.name,
      type: v.type,
      required: v.required ?? false,
      ...(v.default !== undefined && { default: v.default }),
      ...(v.description ? { description: v.description } : {}),
    })),
    steps: steps.map((s: Record<string, unknown>) => {
      const { id: _id, ...rest } = s;
      return {
        ...rest,
        assertions: Array.isArray(s.assertions) ? s.assertions : [],
        continueOnFailure: s.continueOnFailure ?? false,
        runInBackground: s.runInBackground ?? false,
      };
    }),
    outputs: Object.fromEntries(Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

export interface DiffLine {
  kind: '+' | '-' | '~';
  path: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Readable differences between two canonical flows: steps are matched by name (what a reviewer thinks
 * in), a reordering is one line, everything else is compared by key, and key order never matters.
 */
export function diffFlows(before: Record<string, unknown>, after: Record<string, unknown>): DiffLine[] {
  const lines: DiffLine[] = [];
  const byName = (steps: unknown) => new Map((steps as Array<Record<string, unknown>>).map((s) => [String(s.name), s]));
  const { steps: beforeSteps, ...beforeRest } = before;
  const { steps: afterSteps, ...afterRest } = after;
  diffValues(beforeRest, afterRest, '', lines);
  const old = byName(beforeSteps);
  const next = byName(afterSteps);
  for (const [name, step] of next) {
    const previous = old.get(name);
    if (!previous) lines.push({ kind: '+', path: `steps[${name}]`, after: step });
    else diffValues(previous, step, `steps[${name}]`, lines);
  }
  for (const [name, step] of old) if (!next.has(name)) lines.push({ kind: '-', path: `steps[${name}]`, before: step });
  const kept = (steps: Map<string, unknown>, other: Map<string, unknown>) => [...steps.keys()].filter((n) => other.has(n));
  const oldOrder = kept(old, next);
  const newOrder = kept(next, old);
  if (oldOrder.join('\u0000') !== newOrder.join('\u0000')) lines.push({ kind: '~', path: 'steps (order)', before: oldOrder, after: newOrder });
  return lines;
}

function diffValues(before: unknown, after: unknown, path: string, lines: DiffLine[]): void {
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const at = path ? `${path}.${key}` : key;
      if (!(key in after)) lines.push({ kind: '-', path: at, before: before[key] });
      else if (!(key in before)) lines.push({ kind: '+', path: at, after: after[key] });
      else diffValues(before[key], after[key], at, lines);
    }
    return;
  }
  if (!jsonEqual(before, after)) lines.push({ kind: '~', path, before, after });
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function formatDiffLine(line: DiffLine): string {
  const show = (v: unknown) => {
    const text = JSON.stringify(v);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  };
  if (line.kind === '+') return `  + ${line.path}: ${show(line.after)}`;
  if (line.kind === '-') return `  - ${line.path}: ${show(line.before)}`;
  return `  ~ ${line.path}: ${show(line.before)} → ${show(line.after)}`;
}
