/**
 * Real Prometheus 2.42 (Debian package, see ./install.sh) over deterministic,
 * backfilled history. See ./README.md for the series, windows and expected values.
 *
 * Only node: built-ins are used, so this compiles with @swc/jest (CommonJS) as is.
 *
 *   const prom = await startPrometheusFixture();
 *   try {
 *     const { windows, expectations } = prom.fixture;
 *     // ... point the code under test at prom.url ...
 *   } finally {
 *     await prom.stop();
 *   }
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// ---------------------------------------------------------------------------
// Fixture description (pure, deterministic for a given nowSec)
// ---------------------------------------------------------------------------

/** Sample spacing in the backfilled data, seconds. */
export const SCRAPE_STEP_SEC = 15;
/** Each window is this long, seconds (30 min). */
export const WINDOW_DURATION_SEC = 1800;
/** Samples per window: both ends included, [start, start+15, ..., end]. */
export const SAMPLES_PER_WINDOW = WINDOW_DURATION_SEC / SCRAPE_STEP_SEC + 1; // 121
/** t0 alignment, seconds. */
export const T0_ALIGN_SEC = 900;
/** Offsets of the windows relative to t0, seconds. */
export const WINDOW_A_OFFSETS = { start: -7200, end: -5400 } as const;
export const WINDOW_B_OFFSETS = { start: -3600, end: -1800 } as const;
/** B.start - A.start: `offset 1h` maps window B onto window A. */
export const WINDOW_SHIFT_SEC = 3600;
/** Retention passed to prometheus; every sample must be younger than this. */
export const RETENTION_SEC = 30 * 24 * 3600;

export type WindowName = 'A' | 'B';
export interface TimeWindow {
  /** Unix seconds, first sample of the window. */
  start: number;
  /** Unix seconds, last sample of the window (inclusive). */
  end: number;
}

export type SeriesKey =
  | 'queueEmails'
  | 'queueSms'
  | 'workerW1'
  | 'workerW2'
  | 'workerW3'
  | 'errorsApi'
  | 'requests200'
  | 'requests500'
  | 'flaky'
  | 'oddLabels'
  | 'presenceA'
  | 'presenceB';

export interface SeriesDef {
  key: SeriesKey;
  /** Metric name as stored/queried (counters keep `_total`). */
  metric: string;
  /** Label values, raw (unescaped). Order is the order used in selectors. */
  labels: Readonly<Record<string, string>>;
  /** OpenMetrics family name (for counters: metric without `_total`). */
  family: string;
  type: 'gauge' | 'counter';
  help: string;
  /**
   * Sample value for the k-th sample (k = 0..SAMPLES_PER_WINDOW-1) of a window,
   * or undefined if the series has no data in that window.
   */
  value(window: WindowName, k: number): number | undefined;
}

const constant =
  (a: number | undefined, b: number | undefined) =>
  (w: WindowName): number | undefined =>
    w === 'A' ? a : b;

/** The series definitions, in the order they are written to the file. */
export const SERIES: readonly SeriesDef[] = [
  {
    key: 'queueEmails',
    metric: 'queue_depth',
    labels: { queue: 'emails' },
    family: 'queue_depth',
    type: 'gauge',
    help: 'Items waiting.',
    value: constant(100, 130), // +30 % -> anomaly at threshold 20 %
  },
  {
    key: 'queueSms',
    metric: 'queue_depth',
    labels: { queue: 'sms' },
    family: 'queue_depth',
    type: 'gauge',
    help: 'Items waiting.',
    value: constant(100, 105), // +5 % -> no anomaly at threshold 20 %
  },
  {
    key: 'workerW1',
    metric: 'worker_busy',
    labels: { worker: 'w1' },
    family: 'worker_busy',
    type: 'gauge',
    help: 'Busy workers.',
    value: constant(10, 11),
  },
  {
    key: 'workerW2',
    metric: 'worker_busy',
    labels: { worker: 'w2' },
    family: 'worker_busy',
    type: 'gauge',
    help: 'Busy workers.',
    value: constant(20, 22),
  },
  {
    key: 'workerW3',
    metric: 'worker_busy',
    labels: { worker: 'w3' },
    family: 'worker_busy',
    type: 'gauge',
    help: 'Busy workers.',
    value: constant(30, 33),
  },
  {
    key: 'errorsApi',
    metric: 'errors_current',
    labels: { service: 'api' },
    family: 'errors_current',
    type: 'gauge',
    help: 'Errors right now.',
    value: constant(0, 5), // zero baseline
  },
  {
    key: 'requests200',
    metric: 'http_requests_total',
    labels: { service: 'orders', code: '200' },
    family: 'http_requests',
    type: 'counter',
    help: 'Requests served.',
    // 2/s in A (30 per sample), 2.6/s in B (39 per sample). Starts above 0 and
    // keeps growing 2/s through the gap, so there is never a counter reset.
    value: (w, k) => (w === 'A' ? 1000 + 30 * k : 8200 + 39 * k),
  },
  {
    key: 'requests500',
    metric: 'http_requests_total',
    labels: { service: 'orders', code: '500' },
    family: 'http_requests',
    type: 'counter',
    help: 'Requests served.',
    // 0.2/s in both windows (3 per sample).
    value: (w, k) => (w === 'A' ? 100 + 3 * k : 820 + 3 * k),
  },
  {
    key: 'flaky',
    metric: 'flaky_gauge',
    labels: { id: '1' },
    family: 'flaky_gauge',
    type: 'gauge',
    help: 'Sometimes NaN.',
    // A: 10,10,NaN,NaN,10,10,NaN,NaN,... (period 60 s, so a 30 s query step
    // alternates "10","NaN"). B: constant 10.
    value: (w, k) => (w === 'A' ? (k % 4 < 2 ? 10 : NaN) : 10),
  },
  {
    key: 'oddLabels',
    metric: 'odd_labels',
    labels: { path: 'a"b\\c' }, // raw value: a"b\c
    family: 'odd_labels',
    type: 'gauge',
    help: 'Label value with a quote and a backslash.',
    value: constant(7, 7),
  },
  {
    key: 'presenceA',
    metric: 'series_presence',
    labels: { only: 'A' },
    family: 'series_presence',
    type: 'gauge',
    help: 'Series that exists in one window only.',
    value: constant(1, undefined), // disappears in B
  },
  {
    key: 'presenceB',
    metric: 'series_presence',
    labels: { only: 'B' },
    family: 'series_presence',
    type: 'gauge',
    help: 'Series that exists in one window only.',
    value: constant(undefined, 1), // new in B
  },
];

export function seriesByKey(key: SeriesKey): SeriesDef {
  const s = SERIES.find((d) => d.key === key);
  if (!s) throw new Error(`unknown fixture series ${key}`);
  return s;
}

/** Escape a label value for a PromQL string literal / OpenMetrics label value. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `metric{a="x",b="y"}` with escaped values; also the OpenMetrics series text. */
export function promqlSelector(metric: string, labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `${metric}{${parts.join(',')}}` : metric;
}

/** How the Prometheus HTTP API renders a sample value (Go FormatFloat 'f', -1). */
export function formatPromValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v); // exact for every value in this fixture
}

export interface WindowStats {
  /** Samples in the window (0 if the series is absent there). */
  count: number;
  nanCount: number;
  first: number | undefined;
  last: number | undefined;
  /** Over non-NaN samples; undefined if none. */
  min: number | undefined;
  max: number | undefined;
  /** Arithmetic mean including NaN (NaN if any sample is NaN), like avg_over_time. */
  avg: number | undefined;
  /** Mean over non-NaN samples only. */
  avgIgnoringNaN: number | undefined;
  /** last - first for counters (raw delta, no extrapolation). */
  delta: number | undefined;
}

export interface SeriesExpectation {
  key: SeriesKey;
  metric: string;
  labels: Readonly<Record<string, string>>;
  /** PromQL selector with escaped label values, e.g. odd_labels{path="a\"b\\c"}. */
  selector: string;
  type: 'gauge' | 'counter';
  A: WindowStats;
  B: WindowStats;
  /** Per-second rate inside each window (counters only). */
  rate?: { A: number; B: number };
  /** (avg B - avg A) / avg A * 100; null for a zero/NaN/absent baseline. */
  changePct: number | null;
}

export interface Fixture {
  nowSec: number;
  t0: number;
  windows: { A: TimeWindow; B: TimeWindow };
  stepSec: number;
  samplesPerWindow: number;
  series: readonly SeriesDef[];
  expectations: Record<SeriesKey, SeriesExpectation>;
  /** Total sample lines in openMetrics. */
  sampleCount: number;
  /** The OpenMetrics text (timestamps in seconds, ends with "# EOF\n"). */
  openMetrics: string;
  /** Raw sample at an exact timestamp, or undefined. */
  sampleAt(key: SeriesKey, ts: number): number | undefined;
  /**
   * What `query_range` returns for a bare selector of this series
   * ([ts, "value"] pairs at start + i*step), assuming the 5 min default lookback
   * (inclusive: a sample exactly 300 s old is still returned) and no staleness
   * markers (backfilled data has none). Works across both windows and the gaps.
   */
  expectedRange(key: SeriesKey, start: number, end: number, step: number): Array<[number, string]>;
}

function statsOf(values: number[], type: 'gauge' | 'counter'): WindowStats {
  if (values.length === 0) {
    return {
      count: 0,
      nanCount: 0,
      first: undefined,
      last: undefined,
      min: undefined,
      max: undefined,
      avg: undefined,
      avgIgnoringNaN: undefined,
      delta: undefined,
    };
  }
  const finite = values.filter((v) => !Number.isNaN(v));
  const sum = values.reduce((a, b) => a + b, 0);
  const finiteSum = finite.reduce((a, b) => a + b, 0);
  const first = values[0];
  const last = values[values.length - 1];
  return {
    count: values.length,
    nanCount: values.length - finite.length,
    first,
    last,
    min: finite.length ? Math.min(...finite) : undefined,
    max: finite.length ? Math.max(...finite) : undefined,
    avg: sum / values.length,
    avgIgnoringNaN: finite.length ? finiteSum / finite.length : undefined,
    delta: type === 'counter' ? last - first : undefined,
  };
}

/**
 * Build the fixture for a given "now" (Unix seconds). Pure and deterministic.
 * Throws if nowSec looks like milliseconds or any timestamp would not be in the past.
 */
export function buildFixture(nowSec: number = Math.floor(Date.now() / 1000)): Fixture {
  if (!Number.isInteger(nowSec) || nowSec <= 0) {
    throw new Error(`buildFixture: nowSec must be a positive integer, got ${nowSec}`);
  }
  if (nowSec > 1e11) {
    // ms timestamps are accepted silently by promtool and land in year ~58000.
    throw new Error(`buildFixture: nowSec=${nowSec} looks like milliseconds`);
  }
  const t0 = nowSec - (nowSec % T0_ALIGN_SEC);
  const windows = {
    A: { start: t0 + WINDOW_A_OFFSETS.start, end: t0 + WINDOW_A_OFFSETS.end },
    B: { start: t0 + WINDOW_B_OFFSETS.start, end: t0 + WINDOW_B_OFFSETS.end },
  };

  const samplesOf = (s: SeriesDef, w: WindowName): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let k = 0; k < SAMPLES_PER_WINDOW; k++) {
      const v = s.value(w, k);
      if (v !== undefined) out.push([windows[w].start + k * SCRAPE_STEP_SEC, v]);
    }
    return out;
  };

  // OpenMetrics text: families contiguous, each series in ascending time, A then B.
  const lines: string[] = [];
  const seenFamilies = new Set<string>();
  let sampleCount = 0;
  for (const s of SERIES) {
    if (!seenFamilies.has(s.family)) {
      seenFamilies.add(s.family);
      lines.push(`# HELP ${s.family} ${s.help}`);
      lines.push(`# TYPE ${s.family} ${s.type}`);
    }
    const sel = promqlSelector(s.metric, s.labels);
    let prevTs = -Infinity;
    for (const w of ['A', 'B'] as const) {
      for (const [ts, v] of samplesOf(s, w)) {
        if (!(ts > prevTs)) throw new Error(`buildFixture: ${sel} not ascending at ${ts}`);
        if (!(ts < nowSec)) throw new Error(`buildFixture: ${sel} timestamp ${ts} is not < now ${nowSec}`);
        if (!(ts > nowSec - RETENTION_SEC)) throw new Error(`buildFixture: ${sel} timestamp ${ts} is older than retention`);
        prevTs = ts;
        lines.push(`${sel} ${formatPromValue(v)} ${ts}`);
        sampleCount++;
      }
    }
  }
  lines.push('# EOF');
  const openMetrics = lines.join('\n') + '\n';

  const expectations = {} as Record<SeriesKey, SeriesExpectation>;
  for (const s of SERIES) {
    const A = statsOf(samplesOf(s, 'A').map(([, v]) => v), s.type);
    const B = statsOf(samplesOf(s, 'B').map(([, v]) => v), s.type);
    const changePct =
      A.avg === undefined || B.avg === undefined || Number.isNaN(A.avg) || Number.isNaN(B.avg) || A.avg === 0
        ? null
        : Math.round(((B.avg - A.avg) / A.avg) * 100 * 1e9) / 1e9;
    const e: SeriesExpectation = {
      key: s.key,
      metric: s.metric,
      labels: s.labels,
      selector: promqlSelector(s.metric, s.labels),
      type: s.type,
      A,
      B,
      changePct,
    };
    if (s.type === 'counter') {
      e.rate = { A: A.delta! / WINDOW_DURATION_SEC, B: B.delta! / WINDOW_DURATION_SEC };
    }
    expectations[s.key] = e;
  }

  const sampleAt = (key: SeriesKey, ts: number): number | undefined => {
    const s = seriesByKey(key);
    for (const w of ['A', 'B'] as const) {
      const off = ts - windows[w].start;
      if (off >= 0 && off % SCRAPE_STEP_SEC === 0 && off / SCRAPE_STEP_SEC < SAMPLES_PER_WINDOW) {
        return s.value(w, off / SCRAPE_STEP_SEC);
      }
    }
    return undefined;
  };

  const LOOKBACK_SEC = 300;
  const expectedRange = (key: SeriesKey, start: number, end: number, step: number): Array<[number, string]> => {
    const s = seriesByKey(key);
    const out: Array<[number, string]> = [];
    for (let t = start; t <= end; t += step) {
      // latest sample with ts in [t - lookback, t]
      let found: number | undefined;
      for (const w of ['B', 'A'] as const) {
        const win = windows[w];
        if (t < win.start) continue;
        const k = Math.min(Math.floor((t - win.start) / SCRAPE_STEP_SEC), SAMPLES_PER_WINDOW - 1);
        for (let kk = k; kk >= 0; kk--) {
          const ts = win.start + kk * SCRAPE_STEP_SEC;
          if (ts < t - LOOKBACK_SEC) break; // 2.42: a sample exactly 5 min old still counts
          const v = s.value(w, kk);
          if (v !== undefined) {
            found = v;
            break;
          }
        }
        if (found !== undefined) break;
      }
      if (found !== undefined) out.push([t, formatPromValue(found)]);
    }
    return out;
  };

  return {
    nowSec,
    t0,
    windows,
    stepSec: SCRAPE_STEP_SEC,
    samplesPerWindow: SAMPLES_PER_WINDOW,
    series: SERIES,
    expectations,
    sampleCount,
    openMetrics,
    sampleAt,
    expectedRange,
  };
}

// ---------------------------------------------------------------------------
// Running a real Prometheus over the fixture
// ---------------------------------------------------------------------------

export interface StartOptions {
  /** Unix seconds used to build the fixture; default: now. */
  nowSec?: number;
  prometheusBin?: string; // default /usr/bin/prometheus
  promtoolBin?: string; // default /usr/bin/promtool
  /** Default 20000. */
  readyTimeoutMs?: number;
  /** Extra prometheus flags, e.g. ['--web.enable-admin-api']. */
  extraArgs?: string[];
  /** Keep the temp dir after stop() (for debugging). */
  keepDir?: boolean;
}

export interface PrometheusFixture {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  pid: number;
  /** Temp dir holding data.om, prometheus.yml, prometheus.log and tsdb/. */
  dir: string;
  fixture: Fixture;
  /** Timings of this start, ms. */
  timings: { backfillMs: number; readyMs: number; totalMs: number };
  /** GET /api/v1/<endpoint>?params, parsed JSON (throws unless status is "success"). */
  api(endpoint: string, params?: Record<string, string | number>): Promise<any>;
  /** Last lines of the prometheus log. */
  logTail(lines?: number): string;
  /** SIGTERM, SIGKILL after 5 s, then remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

interface Live {
  child: ChildProcess;
  dir: string;
  keepDir: boolean;
}
const live = new Set<Live>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const l of live) {
      try {
        if (l.child.exitCode === null && l.child.signalCode === null) l.child.kill('SIGKILL');
      } catch {
        /* ignore */
      }
      if (!l.keepDir) {
        try {
          fs.rmSync(l.dir, { recursive: true, force: true });
        } catch {
          /* ignore */
        }
      }
    }
    live.clear();
  });
}

function run(file: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      } else resolve();
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** GET without keep-alive, so no socket outlives the request. */
function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function tailFile(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '(no log)';
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.removeListener('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitExit(child, 5000)) return;
  child.kill('SIGKILL');
  await waitExit(child, 5000);
}

const PROMETHEUS_YML = 'global:\n  scrape_interval: 1m\nscrape_configs: []\n';

/**
 * Generate the fixture, backfill it into a fresh temp dir and start prometheus on
 * 127.0.0.1:<free port>. Resolves once /-/ready answers 200.
 */
export async function startPrometheusFixture(opts: StartOptions = {}): Promise<PrometheusFixture> {
  const t0ms = Date.now();
  const prometheusBin = opts.prometheusBin ?? '/usr/bin/prometheus';
  const promtoolBin = opts.promtoolBin ?? '/usr/bin/promtool';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 20000;
  const keepDir = opts.keepDir ?? false;
  for (const bin of [prometheusBin, promtoolBin]) {
    if (!fs.existsSync(bin)) {
      throw new Error(`${bin} not found: run test/infra/prometheus/install.sh (as root) first`);
    }
  }

  const fixture = buildFixture(opts.nowSec);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'prom-fixture-'));
  const logFile = path.join(dir, 'prometheus.log');
  const tsdbDir = path.join(dir, 'tsdb');
  const logTail = (lines = 30) => tailFile(logFile, lines);

  let child: ChildProcess | undefined;
  let entry: Live | undefined;
  const cleanup = async () => {
    if (child) await killChild(child);
    if (entry) live.delete(entry);
    if (!keepDir) await fsp.rm(dir, { recursive: true, force: true });
  };

  try {
    await fsp.writeFile(path.join(dir, 'data.om'), fixture.openMetrics);
    await fsp.writeFile(path.join(dir, 'prometheus.yml'), PROMETHEUS_YML);

    const tb = Date.now();
    await run(promtoolBin, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', 'data.om', tsdbDir], dir);
    const backfillMs = Date.now() - tb;

    installExitHook();
    const tr = Date.now();
    // Retry a few times in case the free port is taken between probe and bind.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const logFd = fs.openSync(logFile, 'a');
      try {
        child = spawn(
          prometheusBin,
          [
            `--config.file=${path.join(dir, 'prometheus.yml')}`,
            `--storage.tsdb.path=${tsdbDir}`,
            `--web.listen-address=127.0.0.1:${port}`,
            '--storage.tsdb.retention.time=30d',
            '--storage.tsdb.use-lockfile',
            ...(opts.extraArgs ?? []),
          ],
          { cwd: dir, detached: false, stdio: ['ignore', logFd, logFd] },
        );
      } finally {
        fs.closeSync(logFd); // the child has its own copy
      }
      const c = child;
      entry = { child: c, dir, keepDir };
      live.add(entry);
      // The ChildProcess handle must not keep the event loop alive by itself;
      // stop() (or the process 'exit' hook) ends it.
      c.unref();
      let spawnError: Error | undefined;
      c.once('error', (e) => (spawnError = e));

      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + readyTimeoutMs;
      let ready = false;
      while (Date.now() < deadline) {
        if (spawnError) throw spawnError;
        if (c.exitCode !== null || c.signalCode !== null) break;
        try {
          const r = await httpGet(`${url}/-/ready`, 1000);
          if (r.status === 200) {
            ready = true;
            break;
          }
        } catch {
          /* not listening yet */
        }
        await sleep(50);
      }
      if (ready) {
        const readyMs = Date.now() - tr;
        const pid = c.pid!;
        let stopped: Promise<void> | undefined;
        const api = async (endpoint: string, params: Record<string, string | number> = {}) => {
          const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
          const r = await httpGet(`${url}/api/v1/${endpoint}${qs ? `?${qs}` : ''}`, 10000);
          let json: any;
          try {
            json = JSON.parse(r.body);
          } catch {
            throw new Error(`prometheus ${endpoint}: HTTP ${r.status}: ${r.body.slice(0, 500)}`);
          }
          if (json.status !== 'success') {
            throw new Error(`prometheus ${endpoint}: HTTP ${r.status}: ${json.errorType}: ${json.error}`);
          }
          return json;
        };
        return {
          url,
          port,
          pid,
          dir,
          fixture,
          timings: { backfillMs, readyMs, totalMs: Date.now() - t0ms },
          api,
          logTail,
          stop: () => (stopped ??= cleanup()),
        };
      }

      const exited = c.exitCode !== null || c.signalCode !== null;
      const tail = logTail();
      await killChild(c);
      live.delete(entry);
      if (exited && /address already in use/.test(tail) && attempt < 3) continue;
      throw new Error(
        exited
          ? `prometheus exited (code ${c.exitCode}, signal ${c.signalCode}) before it was ready on ${url}; log tail:\n${tail}`
          : `prometheus not ready on ${url}/-/ready after ${readyTimeoutMs} ms; log tail:\n${tail}`,
      );
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
}
