import 'reflect-metadata';
import http from 'node:http';
import Redis from 'ioredis';
import { Client } from 'pg';
import { parseUpdateMessage } from '../src/executions/execution-update';
import { createFlow } from '../test/support/flow-helpers';
import { API, ownerWithTeam } from '../test/support/identity-helpers';
import { CpuMeter } from './lib/cpu-meter';
import { cpuProfileArgs, latestProfile, printSummary } from './lib/cpu-profile';
import { printMachine, runBenchmark } from './lib/machine';
import { bareThreeSteps } from './lib/bare-chain';
import { describePgActivity, readPgActivity } from './lib/pg-activity';
import { rssMbOf, startTargetProcess } from './lib/processes';
import { startStack } from './lib/stack';
import { fmt, percentile, printTable, verdict } from './lib/stats';

/**
 * Executions per second through the whole service: K runs of a three-step flow (two chained HTTP
 * steps and an assertion-only delay step) submitted through the API as fast as it accepts them,
 * executed by one worker process. Completion is observed the way API instances observe it: on the
 * Redis update channel (EXECUTION_FINISHED), then checked in Postgres.
 *
 *   BENCH_K=10000                   executions
 *   BENCH_SUBMITTERS=16             concurrent POST /flows/run clients (closed loop: each waits for its answer)
 *   BENCH_RATE=<per s>              open loop instead: submissions at this fixed arrival rate (e.g. 400 = 80 % of the
 *                                   500/s target), latency counted from each one's due time
 *   BENCH_WARMUP_S=10               open loop: also report the latency of arrivals after this many seconds
 *   BENCH_PREWARM=0                 runs submitted (closed loop) and completed before anything is measured, so the
 *                                   figures are of warm processes (JIT, pools, caches) — 0: from a cold start
 *   BENCH_WORKER_CONCURRENCY=10     WORKER_CONCURRENCY of the worker (the service default is 10)
 *   BENCH_BATCH=1                   runs per submission: above 1, each submission is one POST /flows/run-batch of that many runs
 *   BENCH_CPU_PROF=<dir>            run the worker and the api under --cpu-prof (subfolders worker/, api/) and print their top frames
 *   BENCH_WORKER_NODE_ARGS="<flags>" extra node/V8 flags for the worker (e.g. "--log-deopt --logfile=/tmp/w.log --no-logfile-per-isolate")
 */
const TARGET_COMPLETED_PER_S = 500;
/** Open loop (BENCH_RATE): p99 submit → complete under this at 80 % of the target rate (issue #21). */
const TARGET_OPEN_LOOP_P99_MS = 1000;
/** Open loop: connections to the API (requests beyond them wait in the agent, and that wait counts). */
const OPEN_LOOP_SOCKETS = 64;
/** Open loop: the arrivals of a cold start, reported apart (`after the first … s`) as well as in the whole run. */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_S ?? 10) * 1000;
/** CPU per execution of the service's processes (api, worker, Postgres, Redis), issue #21. */
const TARGET_CPU_MS = 3.5;

async function main(): Promise<void> {
  printMachine('Throughput: K three-step executions, one worker process');
  const K = Number(process.env.BENCH_K ?? 10_000);
  const submitters = Number(process.env.BENCH_SUBMITTERS ?? 16);
  const concurrency = process.env.BENCH_WORKER_CONCURRENCY ?? '10';
  const profileDir = process.env.BENCH_CPU_PROF;
  const rate = Number(process.env.BENCH_RATE ?? 0);
  const batchSize = Math.max(1, Number(process.env.BENCH_BATCH ?? 1));
  const prewarm = Number(process.env.BENCH_PREWARM ?? 0);
  const mode = rate > 0 ? `open loop: one submission every ${fmt(1000 / rate, 2)} ms (${rate}/s), up to ${OPEN_LOOP_SOCKETS} connections` : `closed loop: ${submitters} concurrent submitters`;
  console.log(`setup:   K=${K}; ${mode}${batchSize > 1 ? `; ${batchSize} runs per submission (POST /flows/run-batch)` : ''}${prewarm > 0 ? `; measured after ${prewarm} pre-warm runs` : '; measured from a cold start'}; 1 api + 1 worker child process (WORKER_CONCURRENCY=${concurrency}); target server in its own process\n`);

  const target = await startTargetProcess();
  const stack = await startStack('throughput', {
    workerEnv: { WORKER_CONCURRENCY: concurrency },
    workerOptions: { nodeArgs: [...(profileDir ? cpuProfileArgs(`${profileDir}/worker`) : []), ...(process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])] },
    apiOptions: profileDir ? { nodeArgs: cpuProfileArgs(`${profileDir}/api`) } : {},
  });
  const worker = stack.workers[0];
  const subscriber = new Redis(stack.env.REDIS_URL);
  const agent = new http.Agent({ keepAlive: true, maxSockets: rate > 0 ? OPEN_LOOP_SOCKETS : submitters });
  try {
    const { user, teamId } = await ownerWithTeam(stack.app, 'bench');
    const flowId = await createFlow(stack.app, user, teamId, {
      name: 'three-step',
      steps: [
        { name: 'a', type: 'http', config: { url: `${target.url}/items/1` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }], retry: { maxRetries: 0 } },
        { name: 'b', type: 'http', config: { url: `${target.url}/items/\${a.response.body.next}` }, assertions: [{ path: 'body.id', operator: 'equals', expected: 2 }], retry: { maxRetries: 0 } },
        { name: 'c', type: 'delay', config: { delayMs: 0 }, assertions: [{ path: 'delayedMs', operator: 'lt', expected: 1000 }], retry: { maxRetries: 0 } },
      ],
    });

    const submittedAt = new Map<string, number>();
    const latencies: number[] = [];
    /** [due or send time, latency] per run: the open loop prints the seconds whose runs waited long. */
    const timeline: Array<[number, number]> = [];
    const statuses = new Map<string, number>();
    const rss: Record<string, number> = {};
    /** Worker RSS after every tenth of K: a growing series would be a leak, a plateau is the heap settling. */
    const rssTrace: number[] = [];
    const traceEvery = Math.max(1, Math.floor(K / 10));
    let completed = 0;
    let lastCompletion = 0;
    let onAllDone: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (onAllDone = resolve));
    const early = new Map<string, { at: number; status: string }>(); // finished before its POST answered
    const finishedOne = (id: string, at: number, status: string) => {
      const start = submittedAt.get(id)!;
      latencies.push(at - start);
      timeline.push([start, at - start]);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      completed++;
      lastCompletion = at;
      if (completed === 1000) rss.worker1k = worker.rssMb();
      if (completed % traceEvery === 0) rssTrace.push(worker.rssMb());
      if (completed === K) {
        rss.worker10k = worker.rssMb();
        rss.api = rssMbOf(stack.api.pid);
        onAllDone();
      }
    };
    /** Pre-warm phase (not measured): the runs it submitted, those seen finished, and a check run on each. */
    const prewarmIds = new Set<string>();
    const prewarmFinished = new Set<string>();
    let prewarming = prewarm > 0;
    let prewarmCheck: () => void = () => undefined;
    subscriber.on('message', (_channel: string, message: string) => {
      if (!message.includes('"EXECUTION_FINISHED"')) return;
      const now = performance.now();
      // A message is one update or a batch of one execution's updates; the final one is last.
      const updates = parseUpdateMessage(message);
      const u = updates[updates.length - 1];
      if (prewarming) {
        prewarmFinished.add(u.executionId);
        return prewarmCheck();
      }
      if (submittedAt.has(u.executionId)) finishedOne(u.executionId, now, u.executionStatus);
      else early.set(u.executionId, { at: now, status: u.executionStatus });
    });
    await subscriber.subscribe(`${stack.env.REDIS_PREFIX}:execution-updates`);
    rss.workerIdle = worker.rssMb();

    const body = JSON.stringify(batchSize > 1 ? { flowId, runs: Array.from({ length: batchSize }, () => ({})) } : { flowId });
    const path = batchSize > 1 ? 'flows/run-batch' : 'flows/run';
    /** One submission: the ids of the runs it created (201), or the refusal's text. */
    const post = () =>
      new Promise<{ status: number; ids?: string[]; text?: string }>((resolve, reject) => {
        const req = http.request(`${stack.app.url}${API}/teams/${teamId}/${path}`, {
          method: 'POST',
          agent,
          headers: { ...user.auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 201) return resolve({ status: res.statusCode ?? 0, text });
            const created = JSON.parse(text) as { id: string } | Array<{ id: string }>;
            resolve({ status: 201, ids: Array.isArray(created) ? created.map((e) => e.id) : [created.id] });
          });
        });
        req.on('error', reject);
        req.end(body);
      });

    /** Closed loop: `submitters` concurrent clients, each sending its next submission when the last one answered, until `runs` are sent. */
    const closedLoop = async (runs: number, submit: () => Promise<void>) => {
      let sent = 0;
      await Promise.all(
        Array.from({ length: submitters }, async () => {
          while (sent < runs) {
            sent += batchSize;
            await submit();
          }
        }),
      );
    };

    if (prewarm > 0) {
      // The same submissions; a run may finish before its POST answers, hence the two sets.
      let allSent = false;
      const finished = new Promise<void>((resolve) => {
        prewarmCheck = () => {
          if (allSent && [...prewarmIds].every((id) => prewarmFinished.has(id))) resolve();
        };
      });
      await closedLoop(prewarm, async () => {
        const res = await post();
        if (res.status !== 201) throw new Error(`pre-warm run refused: ${res.status} ${res.text}`);
        for (const id of res.ids!) prewarmIds.add(id);
      });
      allSent = true;
      prewarmCheck();
      await finished;
      prewarming = false;
      console.log(`pre-warm: ${prewarmIds.size} runs completed before measuring`);
    }
    const meter = await CpuMeter.create({ worker: worker.pid, api: stack.api.pid, target: target.pid, bench: process.pid }, stack.env.DATABASE_URL, stack.env.REDIS_URL);
    const pgBefore = await readPgActivity(stack.env.DATABASE_URL);
    const cpuBefore = await meter.read();
    const writesBefore = await meter.readWriteCalls();
    let accepted = 0;
    let rejected = 0;
    let lastAccepted = 0;
    /** One submission; `start` is when it was due (open loop) or sent (closed loop): latency counts from there. */
    const submitOne = async (start: number) => {
      const res = await post();
      if (res.status !== 201) {
        rejected += batchSize;
        if (rejected <= 3 * batchSize) console.error(`run refused: ${res.status} ${res.text}`);
        return;
      }
      lastAccepted = performance.now();
      for (const id of res.ids!) {
        accepted++;
        submittedAt.set(id, start);
        const e = early.get(id);
        if (e) {
          early.delete(id);
          finishedOne(id, e.at, e.status);
        }
      }
    };
    const t0 = performance.now();
    if (rate > 0) {
      // Open loop: submission i is due at t0 + i / rate whether or not earlier ones have answered, and its
      // latency counts from when it was due, so a service falling behind shows as latency (no coordinated omission).
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < K / batchSize; i++) {
        const due = t0 + (i * 1000 * batchSize) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        pending.push(submitOne(due));
      }
      await Promise.all(pending);
    } else {
      await closedLoop(K, () => submitOne(performance.now()));
    }
    if (rejected) throw new Error(`${rejected} of ${K} runs were refused`);
    const acceptSeconds = (lastAccepted - t0) / 1000;
    const timeout = setTimeout(() => onAllDone(), 600_000);
    await allDone;
    clearTimeout(timeout);
    const completeSeconds = (lastCompletion - t0) / 1000;
    const cpuAfter = await meter.read();
    const writesAfter = await meter.readWriteCalls();
    await meter.close();
    const cpuPerExecution = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, (cpuAfter[k] - cpuBefore[k]) / K]));
    const pgAfter = await readPgActivity(stack.env.DATABASE_URL);

    const db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    const rows = (await db.query(`SELECT status, count(*)::int AS n FROM executions GROUP BY status ORDER BY status`)).rows as Array<{ status: string; n: number }>;
    const badSteps = (await db.query(`SELECT count(*)::int AS n FROM execution_steps WHERE status <> 'SUCCESS'`)).rows[0].n as number;
    await db.end();

    const completedPerS = completed / completeSeconds;
    printTable([
      ['metric', 'value'],
      ['executions accepted (201)', accepted],
      ['accepted/s (first POST → last 201)', fmt(accepted / acceptSeconds, 0)],
      ['executions completed (EXECUTION_FINISHED seen)', completed],
      ['completed/s (first POST → last completion)', fmt(completedPerS, 0)],
      ['submit → complete latency p50 (ms)', fmt(percentile(latencies, 50), 0)],
      ['submit → complete latency p95 (ms)', fmt(percentile(latencies, 95), 0)],
      ['submit → complete latency p99 (ms)', fmt(percentile(latencies, 99), 0)],
      ['worker RSS idle (MB)', rss.workerIdle],
      [`worker RSS at ${Math.min(1000, K)} completed (MB)`, rss.worker1k ?? '-'],
      [`worker RSS at ${K} completed (MB)`, rss.worker10k],
      [`api RSS at ${K} completed (MB)`, rss.api],
    ]);
    console.log(`worker RSS after every ${traceEvery} completed (MB): ${rssTrace.join(', ')}`);
    const procs = Object.keys(cpuPerExecution);
    const serviceCpu = ['api', 'worker', 'postgres', 'redis'].reduce((a, p) => a + (cpuPerExecution[p] ?? 0), 0);
    console.log('\nCPU time per execution (ms), by process — /proc utime+stime over the whole run:');
    printTable([[...procs, 'total'], [...procs.map((p) => fmt(cpuPerExecution[p], 2)), fmt(procs.reduce((a, p) => a + cpuPerExecution[p], 0), 2)]]);
    console.log('(postgres: the backends of this database; redis: the shared server (INFO used_cpu_*); bench: the submitters and the Redis observer)');
    // The target server does the same fixed work per execution in every build, so its CPU moves only with
    // the host's speed: comparing builds by these ratios cancels a host that drifts between runs (session 8).
    console.log(
      `relative to the target's CPU per execution (a host-speed gauge; compare builds by these): ` +
        ['worker', 'api', 'postgres', 'redis'].map((p) => `${p} ${fmt(cpuPerExecution[p] / cpuPerExecution.target, 1)}`).join(', ') +
        `, service ${fmt(serviceCpu / cpuPerExecution.target, 1)}`,
    );
    console.log(
      `write system calls per execution (/proc/<pid>/io syscw; postgres counts WAL file writes, its socket sends are send(2) and not counted): ` +
        ['worker', 'api', 'postgres'].map((p) => `${p} ${fmt((writesAfter[p] - writesBefore[p]) / K, 1)}`).join(', '),
    );
    console.log(`Postgres per execution (pg_stat_database, pg_stat_wal; includes this benchmark's few reads): ${describePgActivity(pgBefore, pgAfter, K)}`);
    console.log(`\nexecutions in Postgres by status: ${rows.map((r) => `${r.status}=${r.n}`).join(', ')}; step rows not SUCCESS: ${badSteps}`);
    console.log(`statuses seen on the update channel: ${[...statuses.entries()].map(([s, n]) => `${s}=${n}`).join(', ')}`);
    // Bare baseline, same run: the same work per execution (two chained requests and their checks) in
    // WORKER_CONCURRENCY loops in this process — no API, queue, database or Redis.
    const bareAgent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
    const bareMeter = await CpuMeter.create({ target: target.pid, bench: process.pid });
    let bareNext = 0;
    const bareStart = performance.now();
    const bare = await bareMeter.measure(() =>
      Promise.all(
        Array.from({ length: Number(concurrency) }, async () => {
          while (bareNext < K) {
            bareNext++;
            await bareThreeSteps(target.url, bareAgent);
          }
        }),
      ),
    );
    const bareSeconds = (performance.now() - bareStart) / 1000;
    await bareMeter.close();
    bareAgent.destroy();
    console.log(
      `\nbare baseline (same work, ${concurrency} loops in this process, no service): ${fmt(K / bareSeconds, 0)} executions/s; ` +
        `CPU per execution: bench ${fmt(bare.cpu.bench / K, 2)} ms, target ${fmt(bare.cpu.target / K, 2)} ms; ` +
        `engine completed/s = ${fmt((completedPerS / (K / bareSeconds)) * 100, 1)} % of bare`,
    );
    if (rate > 0) {
      const p99 = percentile(latencies, 99);
      console.log(`open loop at ${rate}/s: completed/s ${fmt(completedPerS, 0)}; p50 ${fmt(percentile(latencies, 50), 0)} ms, p99 ${fmt(p99, 0)} ms`);
      // Where the tail comes from: a steady queue (every second slow) or stalls (a few seconds very slow).
      const bySecond = new Map<number, number[]>();
      for (const [start, latency] of timeline) {
        const second = Math.floor((start - t0) / 1000);
        bySecond.set(second, [...(bySecond.get(second) ?? []), latency]);
      }
      const slow = [...bySecond.entries()].sort(([a], [b]) => a - b).filter(([, l]) => Math.max(...l) > 250);
      // A cold start (JIT, pools) queues the first seconds' arrivals; what a warm service does is the rest.
      const warm = timeline.filter(([start]) => start - t0 >= WARMUP_MS).map(([, latency]) => latency);
      if (warm.length) console.log(`after the first ${WARMUP_MS / 1000} s of arrivals (${warm.length} runs): p50 ${fmt(percentile(warm, 50), 0)} ms, p99 ${fmt(percentile(warm, 99), 0)} ms, max ${fmt(Math.max(...warm), 0)} ms`);
      console.log(`seconds of arrival whose slowest run took > 250 ms: ${slow.length} of ${bySecond.size}` +
        (slow.length ? ` — ${slow.slice(0, 12).map(([sec, l]) => `t=${sec}s p50 ${fmt(percentile(l, 50), 0)} max ${fmt(Math.max(...l), 0)}`).join('; ')}` : ''));
      console.log(`target p99 submit → complete < ${TARGET_OPEN_LOOP_P99_MS} ms (at 80 % of ${TARGET_COMPLETED_PER_S}/s = ${0.8 * TARGET_COMPLETED_PER_S}/s): ${fmt(p99, 0)} ms at ${rate}/s → ${verdict(p99 < TARGET_OPEN_LOOP_P99_MS && rate >= 0.8 * TARGET_COMPLETED_PER_S)}`);
    } else {
      console.log(`target ≥ ${TARGET_COMPLETED_PER_S} completed/s: ${fmt(completedPerS, 0)}/s → ${verdict(completedPerS >= TARGET_COMPLETED_PER_S)}`);
    }
    const cpuTotal = procs.reduce((a, p) => a + cpuPerExecution[p], 0);
    console.log(`target CPU per execution ≤ ${TARGET_CPU_MS} ms (api + worker + postgres + redis): ${fmt(serviceCpu, 2)} ms → ${verdict(serviceCpu <= TARGET_CPU_MS)} (all processes incl. target and bench: ${fmt(cpuTotal, 2)} ms)`);
    if (profileDir) {
      await Promise.all([worker.stop('SIGUSR2'), stack.api.stop('SIGUSR2')]);
      console.log('\n## worker');
      printSummary(latestProfile(`${profileDir}/worker`));
      console.log('\n## api');
      printSummary(latestProfile(`${profileDir}/api`), 25, 'executions/executions.service');
    }
  } finally {
    subscriber.disconnect();
    agent.destroy();
    await stack.close();
    await target.stop();
  }
}

runBenchmark(main);
