import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FrameTotal {
  frame: string;
  selfMs: number;
  selfPct: number;
}

/** Node flags and preload that make a child write a CPU profile into `dir` when it gets SIGUSR2. */
export function cpuProfileArgs(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, '-r', path.join(__dirname, 'exit-on-signal.js')];
}

/** The newest .cpuprofile file in `dir`. */
export function latestProfile(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  if (!files.length) throw new Error(`no .cpuprofile in ${dir}`);
  return path.join(dir, files[files.length - 1]);
}

function location(url: string): string {
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = clean.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = clean.indexOf('/dist/');
  if (dist >= 0) return clean.slice(dist + 1);
  if (clean.startsWith('node:')) return clean;
  return clean || '(native)';
}

/**
 * Self time per frame (function + file) and per package/area, highest first. Samples before the first
 * one inside `startFrame` (a function name, or a path fragment such as `executions/executions.service`;
 * default: the FlowRunner's step loop) are skipped, so boot-time module
 * loading does not drown the steady state.
 */
export function summarise(file: string, startFrame = 'runSteps'): { totalMs: number; busyMs: number; frames: FrameTotal[]; areas: FrameTotal[]; inclusive: FrameTotal[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inStart = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { functionName, url } = byId.get(cur)!.callFrame;
      if (functionName === startFrame || (startFrame.includes('/') && url.includes(startFrame))) return true;
    }
    return false;
  };
  const first = profile.samples.findIndex(inStart);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (i >= Math.max(0, first)) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = location(url);
    const name = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
    frames.set(name, (frames.get(name) ?? 0) + us);
    const area = !url ? `(${functionName || 'native'})` : where.startsWith('dist/') ? where.split('/').slice(0, 3).join('/') : where.startsWith('node:') ? 'node: internals' : where;
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).map(([frame, us]) => ({ frame, selfMs: us / 1000, selfPct: (100 * us) / totalUs }));
  // Inclusive time of the service's own functions (their synchronous callees included), counted once per sample.
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (i < Math.max(0, first)) return;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { functionName, url } = byId.get(cur)!.callFrame;
      if (!url.includes('/src/')) continue;
      const name = `${functionName || '(anonymous)'} ${location(url).replace(/^.*\/src\//, 'src/')}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  });
  const idleUs = [...self.entries()].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  return { totalMs: totalUs / 1000, busyMs: (totalUs - idleUs) / 1000, frames: rank(frames), areas: rank(areas), inclusive: rank(inclusive) };
}

export function printSummary(file: string, top = 25, startFrame = 'runSteps'): void {
  const { totalMs, busyMs, frames, areas, inclusive } = summarise(file, startFrame);
  console.log(`\nCPU profile ${file} — ${(totalMs / 1000).toFixed(2)} s sampled from the first sample in ${startFrame}() on, ${(busyMs / 1000).toFixed(2)} s of it busy (not idle)`);
  console.log('\ntop areas by self time:');
  for (const a of areas.slice(0, 15)) console.log(`  ${a.selfPct.toFixed(1).padStart(5)}%  ${a.selfMs.toFixed(0).padStart(7)} ms  ${a.frame}`);
  console.log('\nservice functions by inclusive (synchronous) time:');
  for (const f of inclusive.slice(0, 15)) console.log(`  ${f.selfPct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.frame}`);
  console.log('\ntop frames by self time:');
  for (const f of frames.slice(0, top)) console.log(`  ${f.selfPct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.frame}`);
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node dist/bench/lib/cpu-profile.js <file.cpuprofile | dir>');
    process.exit(2);
  }
  printSummary(target.endsWith('.cpuprofile') ? target : latestProfile(target), Number(process.argv[3] ?? 25));
}
