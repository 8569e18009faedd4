import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MAIN_JS } from './machine';

export type AppMode = 'api' | 'worker' | 'all';

/** A child process running the built server (`dist/src/main.js`), as production runs it. */
export interface ServiceProcess {
  readonly mode: AppMode;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Base URL; in worker mode only /health/* answers there. */
  readonly url: string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Resident set size now, from /proc (Linux), in MB. */
  rssMb(): number;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Last lines the process wrote, for error messages. */
  tail(): string;
}

export interface StartServiceOptions {
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
  /** Print the child's output (default: only keep the last lines for error messages). */
  verbose?: boolean;
}

/**
 * Starts `dist/src/main.js` in the given mode with the given environment (DATABASE_URL, REDIS_URL,
 * REDIS_PREFIX at least) and waits until it listens and /health/ready answers 200.
 */
export async function startService(mode: AppMode, env: Record<string, string>, options: StartServiceOptions = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN_JS], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'warn',
      ...env,
      APP_MODE: mode,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let onUrl: (url: string) => void = () => undefined;
  const urlSeen = new Promise<string>((resolve) => (onUrl = resolve));
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      if (options.verbose) process.stderr.write(`[${mode}:${child.pid}] ${line}\n`);
      const m = /listening on https?:\/\/[^:\s]+:(\d+)/.exec(line);
      if (m) onUrl(`http://127.0.0.1:${m[1]}`);
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const tail = () => lines.join('\n');

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const url = await Promise.race([
    urlSeen,
    exited.then((code) => Promise.reject(new Error(`${mode} process exited (${code}) before listening:\n${tail()}`))),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${mode} process not listening after ${timeoutMs} ms:\n${tail()}`)), timeoutMs).unref()),
  ]).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  await waitForReady(url, timeoutMs);
  return {
    mode,
    child,
    pid: child.pid!,
    url,
    exited,
    tail,
    rssMb: () => rssMbOf(child.pid!),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** Polls /health/ready until 200. */
export async function waitForReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${url}/health/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url}/health/ready still ${status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function rssMbOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

/** Starts the benchmark's HTTP target (bench/lib/target-server.ts, built) in its own process. */
/** Starts a compiled helper script of `bench/lib/` that prints `<MARKER>=<url>` once it listens. */
export async function startHelperProcess(script: string, marker: string, env: Record<string, string> = {}): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(__dirname, script)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const m = new RegExp(`${marker}=(\\S+)`).exec(buffered);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function startTargetProcess(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  return startHelperProcess('target-server.js', 'TARGET_URL');
}
