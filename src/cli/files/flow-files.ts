import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { CliError } from '../cli-error';
import { SourceMap, type SourcePosition } from './source-positions';

export const FLOW_FILE_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * One flow as written in a file, in the shape of a flow of the `ats.flows` export document: steps name
 * their resource with `resource: "<name>"`. `pointerBase` is where the flow sits in its file (`""` for a
 * one-flow file, `/flows/<i>` inside an export document), so a problem's pointer maps back to a line.
 */
export interface LocalFlow {
  name: string;
  flow: Record<string, unknown>;
  file: string;
  pointerBase: string;
  source: SourceMap;
}

/** A problem located in a file: printed `file:line:col: /pointer message`. */
export interface FileProblem {
  file: string;
  position: SourcePosition;
  pointer: string;
  message: string;
}

export function formatFileProblem(p: FileProblem): string {
  return `${p.file}:${p.position.line}:${p.position.col}: ${p.pointer || '/'} ${p.message}`;
}

export function problemAt(flow: LocalFlow, pointer: string, message: string): FileProblem {
  const full = `${flow.pointerBase}${pointer}`;
  return { file: flow.file, position: flow.source.positionOf(full), pointer: full, message };
}

/** Expands directories (recursively, flow files only, sorted) and keeps explicit files as given. */
export function listFlowFiles(paths: readonly string[], cwd = process.cwd()): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw CliError.usage(`no such file or directory: ${path}`);
    }
    if (stat.isDirectory()) files.push(...walk(path));
    else files.push(path);
  }
  if (!files.length) throw CliError.usage(`no flow files (${FLOW_FILE_EXTENSIONS.join(', ')}) in ${paths.join(', ')}`);
  return [...new Set(files.map((f) => relative(cwd, f) || f))];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return FLOW_FILE_EXTENSIONS.includes(extname(entry.name).toLowerCase()) ? [path] : [];
    });
}

/**
 * Reads flow files: a file holds one flow, or an `ats.flows` export document with several. Syntax errors
 * and shapes that are not flows at all are problems with positions; the flows' content is left to the
 * server's validation.
 */
export function loadFlowFiles(files: readonly string[]): { flows: LocalFlow[]; problems: FileProblem[] } {
  const flows: LocalFlow[] = [];
  const problems: FileProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw CliError.usage(`cannot read ${file}: ${(error as Error).message}`);
    }
    const { map, value, errors } = SourceMap.parse(text);
    for (const e of errors) problems.push({ file, position: e.position, pointer: '', message: `invalid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${e.message}` });
    if (errors.length) continue;
    const fileProblem = (pointer: string, message: string) => problems.push({ file, position: map.positionOf(pointer), pointer, message });
    if (!isObject(value)) {
      fileProblem('', 'a flow file holds one flow (an object with name and steps) or an ats.flows export document');
      continue;
    }
    const entries: Array<{ raw: unknown; base: string }> =
      value.format === 'ats.flows'
        ? Array.isArray(value.flows)
          ? value.flows.map((raw, i) => ({ raw, base: `/flows/${i}` }))
          : []
        : [{ raw: value, base: '' }];
    if (value.format === 'ats.flows' && !Array.isArray(value.flows)) fileProblem('/flows', 'flows must be an array');
    for (const { raw, base } of entries) {
      if (!isObject(raw)) {
        fileProblem(base, 'a flow must be an object with name and steps');
        continue;
      }
      if (typeof raw.name !== 'string' || !raw.name.trim()) {
        fileProblem(`${base}/name`, 'name is required: flows are matched by name');
        continue;
      }
      flows.push({ name: raw.name, flow: raw, file, pointerBase: base, source: map });
    }
  }
  // Names are the identity on the server, so two files cannot both own one.
  const firstFile = new Map<string, LocalFlow>();
  for (const flow of flows) {
    const first = firstFile.get(flow.name);
    if (first) problems.push(problemAt(flow, '/name', `another flow is named "${flow.name}" (${first.file})`));
    else firstFile.set(flow.name, flow);
  }
  return { flows, problems };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
