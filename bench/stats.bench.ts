import 'reflect-metadata';
import { Client } from 'pg';
import { createFlow } from '../test/support/flow-helpers';
import { API, ownerWithTeam } from '../test/support/identity-helpers';
import { printMachine, runBenchmark } from './lib/machine';
import { startStack } from './lib/stack';
import { fmt, median, printTable, verdict } from './lib/stats';
import { generateStatsHistory } from './lib/stats-history';

/**
 * Flakiness analytics on a big team: BENCH_STATS_EXECUTIONS (100,000) runs × 3 steps of BENCH_STATS_FLOWS
 * (20) flows over the last 30 days, generated in SQL (lib/stats-history.ts), then both statistics
 * endpoints timed through the HTTP API of an `api` child process (default window = all of the history),
 * median of BENCH_REPEAT (7) after one warm-up call. Baselines in the same run: a plain count(*) over
 * the same rows (the team's executions in the window joined to their steps) straight on Postgres, and
 * the cheapest team-scoped HTTP call (GET /teams/{id}). Target: each endpoint under 200 ms.
 *
 * The history is VACUUM ANALYZEd after it is written, as autovacuum does to a table of finished runs:
 * the covering indexes need the visibility map for index-only scans.
 */
const TARGET_MS = 200;

async function main(): Promise<void> {
  printMachine('Flakiness analytics: /flows/{id}/stats and /stats/steps on a 100,000-execution team');
  const total = Number(process.env.BENCH_STATS_EXECUTIONS ?? 100_000);
  const flowCount = Number(process.env.BENCH_STATS_FLOWS ?? 20);
  const repeat = Number(process.env.BENCH_REPEAT ?? 7);
  const stack = await startStack('stats', { workers: 0 });
  const db = new Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  try {
    const { user, teamId } = await ownerWithTeam(stack.app, 'bench');
    const flows: Array<{ id: string; name: string }> = [];
    for (let i = 0; i < flowCount; i++) {
      const name = `flow-${i}`;
      flows.push({ id: await createFlow(stack.app, user, teamId, { name, steps: [{ name: 'create', type: 'delay', config: { delayMs: 1 } }] }), name });
    }
    let t0 = performance.now();
    const made = await generateStatsHistory(db, { teamId, flows, executions: total, days: 29 });
    const generateMs = performance.now() - t0;
    t0 = performance.now();
    await db.query('VACUUM ANALYZE executions, execution_steps');
    const vacuumMs = performance.now() - t0;
    console.log(`setup:   1 api child process (no worker); ${made.executions} executions, ${made.steps} step rows of ${flowCount} flows generated in ${fmt(generateMs / 1000, 1)} s, VACUUM ANALYZE ${fmt(vacuumMs / 1000, 1)} s; ${repeat} calls each after 1 warm-up, medians\n`);

    const time = async (call: () => Promise<unknown>): Promise<number> => {
      await call();
      const samples: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const start = performance.now();
        await call();
        samples.push(performance.now() - start);
      }
      return median(samples);
    };
    const get = (path: string) => async () => {
      const res = await fetch(`${stack.app.url}${API}/teams/${teamId}${path}`, { headers: { Authorization: `Bearer ${user.accessToken}` } });
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const sql = (text: string, values: unknown[]) => () => db.query(text, values);
    const flow = flows[flows.length - 1];
    const window = `now() - interval '30 days'`;

    const flowStats = await time(get(`/flows/${flow.id}/stats`));
    const flakiest = await time(get('/stats/steps'));
    const flowCount1 = await time(sql(`SELECT count(*) FROM executions e JOIN execution_steps s ON s.execution_id = e.id WHERE e.team_id = $1 AND e.flow_id = $2 AND e.created_at >= ${window}`, [teamId, flow.id]));
    const teamCount = await time(sql(`SELECT count(*) FROM executions e JOIN execution_steps s ON s.execution_id = e.id WHERE e.team_id = $1 AND e.created_at >= ${window}`, [teamId]));
    const teamGet = await time(get(''));
    const sample = (await get(`/flows/${flow.id}/stats`)()) as { runs: number; steps: unknown[]; daily: unknown[] };
    const list = (await get('/stats/steps')()) as { items: unknown[] };

    printTable([
      ['call', 'rows read', 'median ms', `target < ${TARGET_MS} ms`],
      [`GET /flows/{id}/stats (one flow: ${sample.runs} runs, ${sample.steps.length} steps, ${sample.daily.length} days)`, `${sample.runs} × 3`, fmt(flowStats, 1), verdict(flowStats < TARGET_MS)],
      [`GET /stats/steps (whole team, ${list.items.length} items)`, `${made.executions} × 3`, fmt(flakiest, 1), verdict(flakiest < TARGET_MS)],
      ['baseline: SELECT count(*) executions ⋈ steps, one flow (pg, no HTTP)', `${sample.runs} × 3`, fmt(flowCount1, 1), ''],
      ['baseline: SELECT count(*) executions ⋈ steps, whole team (pg, no HTTP)', `${made.executions} × 3`, fmt(teamCount, 1), ''],
      ['baseline: GET /teams/{id} (HTTP + auth + tenancy floor)', '1', fmt(teamGet, 1), ''],
    ]);
  } finally {
    await db.end();
    await stack.close();
  }
}

runBenchmark(main);
