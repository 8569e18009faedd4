import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root (the folder holding package.json), whether running from `bench/` or `dist/bench/`. */
export const REPO_ROOT = findRoot(__dirname) ?? process.cwd();
/**
 * The built server every child process runs, exactly what `npm start` runs: beside this file's build
 * output when running compiled (`dist/bench/lib` → `dist/src/main.js`), else the repository's `dist/`
 * (Jest runs the drills from TypeScript sources).
 */
export const MAIN_JS = [path.resolve(__dirname, '../../src/main.js'), path.join(REPO_ROOT, 'dist/src/main.js')].find((p) => existsSync(p)) ?? path.join(REPO_ROOT, 'dist/src/main.js');

function findRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  commit: string;
  dirty: boolean;
  loadAverage: string;
}

export function machineInfo(): MachineInfo {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no').length > 0,
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

/** One block every benchmark prints first, so a figure is never quoted without the machine it came from. */
export function printMachine(title: string): MachineInfo {
  const m = machineInfo();
  console.log(`\n# ${title}`);
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM; node ${m.node}`);
  console.log(`commit:  ${m.commit}${m.dirty ? ' (+ uncommitted changes in the working tree)' : ''}; load average before start: ${m.loadAverage}`);
  return m;
}

/** Runs a benchmark's main and exits: 0 when it finished, 1 (with the error) when it failed. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
