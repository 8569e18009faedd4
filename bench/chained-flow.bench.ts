import 'reflect-metadata';
import http from 'node:http';
import { FLOW_LIMITS } from '../src/flows/flow-limits';
import { createFlow } from '../test/support/flow-helpers';
import { API, ownerWithTeam } from '../test/support/identity-helpers';
import { bareChainFetch, bareChainHttp } from './lib/bare-chain';
import { CHAIN_WORKLOADS, type ChainWorkload, chainedFlow } from './lib/chain-flows';
import { CpuMeter } from './lib/cpu-meter';
import { cpuProfileArgs, latestProfile, printSummary } from './lib/cpu-profile';
import { LiveClient } from './lib/live-client';
import { printMachine, runBenchmark } from './lib/machine';
import { startTargetProcess } from './lib/processes';
import { startStack } from './lib/stack';
import { fmt, median, printTable, verdict } from './lib/stats';

/**
 * Engine cost per step: a flow of N chained HTTP steps, in two workloads (lib/chain-flows.ts): `templated`
 * (`GET /items/${prev.response.body.next}`, assertions on status and body id) and `plain` (fixed URLs, no
 * assertions), run through the whole service — API child → BullMQ → worker child
 * → Postgres step rows → Redis updates → a Socket.IO client waiting for EXECUTION_FINISHED — against
 * the same N requests and checks in a bare loop, in the same run, against the same target process.
 *
 *   BENCH_CHAIN_N=200,1000  the two flow lengths (clamped to the steps-per-flow limit)
 *   BENCH_REPEAT=7          runs per length and workload (medians are reported)
 *   BENCH_CHAIN_WORKLOADS=templated,plain  which workloads
 *   BENCH_CPU_PROF=<dir>    run the worker and the api under --cpu-prof (subfolders worker/, api/) and print their top frames
 */
const TARGET_MS_PER_STEP = 0.9;
/** Issue #21: the engine's cost per extra step at most twice the bare `http.request` loop's, measured in the same run. */
const TARGET_RATIO = 2;

function lengths(): { small: number; large: number; note?: string } {
  const requested = (process.env.BENCH_CHAIN_N ?? '200,1000').split(',').map(Number);
  const limit = FLOW_LIMITS.steps;
  if (requested.every((n) => n <= limit)) return { small: requested[0], large: requested[1] };
  const large = limit;
  const small = Math.max(2, Math.round(limit / 5));
  return {
    small,
    large,
    note: `requested N=${requested.join(',')} exceeds the steps-per-flow limit (FLOW_LIMITS.steps = ${limit}, src/flows/flow-limits.ts); measured N=${small} and N=${large} instead`,
  };
}

async function main(): Promise<void> {
  printMachine('Chained flow: engine cost per step vs a bare loop');
  const { small, large, note } = lengths();
  const repeat = Number(process.env.BENCH_REPEAT ?? 7);
  const workloads = (process.env.BENCH_CHAIN_WORKLOADS?.split(',') ?? CHAIN_WORKLOADS) as ChainWorkload[];
  if (note) console.log(`note:    ${note}`);
  console.log(`setup:   1 api + 1 worker child process (WORKER_CONCURRENCY default), target server in its own process; ${repeat} runs per N and workload, interleaved, medians`);
  console.log(`workloads: ${workloads.join(', ')} (templated: \${prev.response.body.next} URL + 2 assertions per step; plain: fixed URL, no assertion)\n`);

  const target = await startTargetProcess();
  const profileDir = process.env.BENCH_CPU_PROF;
  const stack = await startStack('chain', {
    workerOptions: profileDir ? { nodeArgs: cpuProfileArgs(`${profileDir}/worker`) } : {},
    apiOptions: profileDir ? { nodeArgs: cpuProfileArgs(`${profileDir}/api`) } : {},
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let client: LiveClient | undefined;
  try {
    const { user, teamId } = await ownerWithTeam(stack.app, 'bench');
    const flows: Record<string, Record<number, string>> = {};
    for (const w of workloads) {
      flows[w] = {};
      for (const n of [small, large]) flows[w][n] = await createFlow(stack.app, user, teamId, chainedFlow(`chain-${w}-${n}`, target.url, n, w));
    }
    client = await LiveClient.connect(stack.app.url, user.accessToken);

    const runEngine = async (w: ChainWorkload, n: number) => {
      const t0 = performance.now();
      const res = await fetch(`${stack.app.url}${API}/teams/${teamId}/flows/run`, {
        method: 'POST',
        headers: { ...user.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ flowId: flows[w][n] }),
      });
      if (res.status !== 201) throw new Error(`run: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      const finished = await client!.waitFor(id);
      return { id, wallMs: finished.receivedAt - t0 };
    };
    /** Outside the timed and CPU-metered part: every step passed its assertions; worker-side duration. */
    const check = async (id: string) => {
      const done = (await stack.app.http.get(`${API}/teams/${teamId}/executions/${id}`).set(user.auth)).body;
      if (done.status !== 'COMPLETED' || done.steps.some((s: { status: string }) => s.status !== 'SUCCESS')) {
        throw new Error(`execution ${id} ${done.status}: ${done.error}`);
      }
      return Date.parse(done.finishedAt) - Date.parse(done.startedAt);
    };
    const timeBare = async (fn: () => Promise<void>) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };

    // Warm-up: JIT, connection pools, the target's keep-alive sockets.
    for (let i = 0; i < 3; i++) {
      for (const n of [small, large]) {
        for (const w of workloads) await check((await runEngine(w, n)).id);
        await bareChainHttp(target.url, n, agent);
        await bareChainFetch(target.url, n);
      }
    }

    // CPU time by process (it does not grow while a process waits for a core, so it is the part of
    // the figures that other load on the machine cannot inflate).
    const meter = await CpuMeter.create({ worker: stack.workers[0].pid, api: stack.api.pid, target: target.pid, bench: process.pid }, stack.env.DATABASE_URL, stack.env.REDIS_URL);
    const keys = [...workloads, 'http'];
    const cpu: Record<string, Record<number, Record<string, number>>> = Object.fromEntries(keys.map((k) => [k, {}]));
    const addCpu = (key: string, n: number, used: Record<string, number>) => {
      cpu[key][n] ??= {};
      for (const [k, v] of Object.entries(used)) cpu[key][n][k] = (cpu[key][n][k] ?? 0) + v;
    };

    const samples: Record<string, Record<number, number[]>> = {};
    for (const key of [...workloads, ...workloads.map((w) => `${w}:worker`), 'http', 'fetch']) {
      samples[key] = { [small]: [], [large]: [] };
    }
    for (let r = 0; r < repeat; r++) {
      for (const n of r % 2 ? [large, small] : [small, large]) {
        for (const w of r % 2 ? [...workloads].reverse() : workloads) {
          const e = await meter.measure(() => runEngine(w, n));
          addCpu(w, n, e.cpu);
          samples[w][n].push(e.result.wallMs);
          samples[`${w}:worker`][n].push(await check(e.result.id));
        }
        const h = await meter.measure(() => timeBare(() => bareChainHttp(target.url, n, agent)));
        addCpu('http', n, h.cpu);
        samples.http[n].push(h.result);
        samples.fetch[n].push(await timeBare(() => bareChainFetch(target.url, n)));
      }
    }

    const slope = (key: string) => (median(samples[key][large]) - median(samples[key][small])) / (large - small);
    const row = (label: string, key: string) => [label, fmt(median(samples[key][small]), 1), fmt(median(samples[key][large]), 1), fmt(slope(key), 3)];
    printTable([
      ['median wall time (ms)', `N=${small}`, `N=${large}`, 'ms per extra step'],
      ...workloads.flatMap((w) => [
        row(`engine, ${w}: end to end (POST run → socket EXECUTION_FINISHED)`, w),
        row(`  of which worker (execution startedAt → finishedAt)`, `${w}:worker`),
      ]),
      row('bare loop, http.request + keep-alive Agent', 'http'),
      row('bare loop, fetch (undici, keep-alive)', 'fetch'),
    ]);
    const cpuSlope = (key: string, proc: string) => (cpu[key][large][proc] - cpu[key][small][proc]) / repeat / (large - small);
    await meter.close();
    const procs = ['worker', 'api', 'postgres', 'redis', 'target', 'bench'];
    const cpuRow = (label: string, key: string) => [label, ...procs.map((p) => fmt(cpuSlope(key, p), 3)), fmt(procs.reduce((a, p) => a + cpuSlope(key, p), 0), 3)];
    console.log('\nCPU time per extra step (ms), by process — /proc utime+stime, 10 ms ticks summed over all runs:');
    printTable([['', ...procs, 'total'], ...workloads.map((w) => cpuRow(`engine run, ${w}`, w)), cpuRow('bare loop (http.request)', 'http')]);
    console.log('(api: Redis updates → Socket.IO; bench: this process — the socket client and the bare loop; redis: the shared server, INFO used_cpu_*)');
    const bareSlope = slope('http');
    for (const w of workloads) {
      const engineSlope = slope(w);
      console.log(`\n${w}: engine / bare (http.request) per extra step: ${fmt(engineSlope / bareSlope, 1)}x; engine overhead per step: ${fmt(engineSlope - bareSlope, 3)} ms`);
      console.log(`${w}: target ≤ ${TARGET_RATIO}x the bare loop per extra step: ${fmt(engineSlope / bareSlope, 1)}x → ${verdict(engineSlope <= TARGET_RATIO * bareSlope)}; ` +
        `≤ ${TARGET_MS_PER_STEP} ms per extra step end to end: ${fmt(engineSlope, 3)} ms → ${verdict(engineSlope <= TARGET_MS_PER_STEP)}`);
      const cpuTotal = (key: string) => procs.reduce((a, p) => a + cpuSlope(key, p), 0);
      console.log(`${w}: CPU per extra step, all processes, engine / bare: ${fmt(cpuTotal(w) / cpuTotal('http'), 1)}x`);
    }
    console.log(`raw samples (ms): ${JSON.stringify(Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([n, s]) => [n, s.map((x) => Math.round(x))]))])))}`);
    if (profileDir) {
      await Promise.all([stack.workers[0].stop('SIGUSR2'), stack.api.stop('SIGUSR2')]);
      console.log('\n## worker');
      printSummary(latestProfile(`${profileDir}/worker`));
      console.log('\n## api (from the first Socket.IO delivery on)');
      printSummary(latestProfile(`${profileDir}/api`), 25, 'deliver');
    }
  } finally {
    client?.close();
    agent.destroy();
    await stack.close();
    await target.stop();
  }
}

runBenchmark(main);
