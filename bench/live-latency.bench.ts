import 'reflect-metadata';
import { createFlow, runFlow, waitForExecution } from '../test/support/flow-helpers';
import { ownerWithTeam } from '../test/support/identity-helpers';
import { measureBareRelay } from './lib/bare-relay';
import { LiveClient } from './lib/live-client';
import { printMachine, runBenchmark } from './lib/machine';
import { startStack } from './lib/stack';
import { fmt, percentile, printTable, verdict } from './lib/stats';

/**
 * Live update latency: from the worker publishing an update (its `at` field, stamped just before the
 * PUBLISH) to a Socket.IO client's handler receiving it — worker → Redis → API instance → socket. The
 * worker, the API and the clients are separate processes on one machine, so they share one clock.
 * `at` has millisecond resolution, so every sample carries up to ±1 ms of quantisation.
 *
 * Two scenarios, 100 connected clients each:
 *   one-each  every client watches its own execution (100 executions running at once)
 *   fan-out   every client watches the same executions (each update is delivered 100 times)
 * and, as the bare baseline, both again through Redis and a minimal Socket.IO relay (lib/bare-relay.ts).
 *
 *   BENCH_CLIENTS=100  BENCH_STEPS=50  BENCH_STEP_DELAY_MS=100  BENCH_FANOUT_EXECUTIONS=1
 */
const TARGET_P99_MS = 15;

async function main(): Promise<void> {
  printMachine('Live latency: worker publish → Socket.IO client');
  const clients = Number(process.env.BENCH_CLIENTS ?? 100);
  const steps = Number(process.env.BENCH_STEPS ?? 50);
  const delayMs = Number(process.env.BENCH_STEP_DELAY_MS ?? 100);
  const fanoutExecutions = Number(process.env.BENCH_FANOUT_EXECUTIONS ?? 1);
  console.log(`setup:   ${clients} Socket.IO clients (websocket) in this process; 1 api + 1 worker child process (WORKER_CONCURRENCY=${clients}); flow of ${steps} delay steps of ${delayMs} ms (2 updates per step)\n`);

  const stack = await startStack('live', { workerEnv: { WORKER_CONCURRENCY: String(clients) } });
  const live: LiveClient[] = [];
  try {
    const { user, teamId } = await ownerWithTeam(stack.app, 'bench');
    const flowId = await createFlow(stack.app, user, teamId, {
      name: 'paced',
      steps: Array.from({ length: steps }, (_, i) => ({ name: `d${i}`, type: 'delay', config: { delayMs }, retry: { maxRetries: 0 } })),
    });
    for (let i = 0; i < clients; i++) live.push(await LiveClient.connect(stack.app.url, user.accessToken));

    /** Runs `executions`, client i joining execution i % executions; returns one latency per delivered update. */
    const scenario = async (executions: number) => {
      const samples: number[] = [];
      for (const c of live) c.onUpdate = (u, receivedAt) => samples.push(receivedAt - Date.parse(u.at));
      // Delayed start, so every client has joined (and got its snapshot) before the first update.
      const runs = await Promise.all(Array.from({ length: executions }, () => runFlow(stack.app, user, teamId, flowId, { parameters: { initialDelay: 3000 } })));
      const finished = Promise.all(live.map((c, i) => c.waitFor(runs[i % executions].id)));
      await finished;
      for (const c of live) c.onUpdate = undefined;
      for (const run of runs) {
        const done = await waitForExecution(stack.app, user, teamId, run.id);
        if (done.status !== 'COMPLETED') throw new Error(`execution ${run.id} ${done.status}`);
      }
      return samples;
    };

    const results: Array<[string, number[]]> = [];
    results.push([`one-each (${clients} executions, 1 client each)`, await scenario(clients)]);
    results.push([`fan-out (${fanoutExecutions} execution(s), ${clients} clients each)`, await scenario(fanoutExecutions)]);
    // Bare baseline, same run: the same pacing and delivery count through Redis and a minimal relay.
    const bare = (rooms: number) => measureBareRelay({ redisUrl: stack.env.REDIS_URL, clients, rooms, rounds: steps + 1, delayMs });
    results.push([`bare relay, one-each (${clients} rooms)`, await bare(clients)]);
    results.push([`bare relay, fan-out (${fanoutExecutions} room(s))`, await bare(fanoutExecutions)]);
    printTable([
      ['scenario', 'updates delivered', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      ...results.map(([name, s]) => [name, s.length, fmt(percentile(s, 50), 0), fmt(percentile(s, 95), 0), fmt(percentile(s, 99), 0), fmt(Math.max(...s), 0)]),
    ]);
    for (const [name, s] of results.filter(([name]) => !name.startsWith('bare'))) {
      const p99 = percentile(s, 99);
      console.log(`target p99 ≤ ${TARGET_P99_MS} ms, ${name}: ${fmt(p99, 0)} ms over ${s.length} updates → ${verdict(p99 <= TARGET_P99_MS && s.length >= 10_000)}`);
    }
  } finally {
    live.forEach((c) => c.close());
    await stack.close();
  }
}

runBenchmark(main);
