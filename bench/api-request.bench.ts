import 'reflect-metadata';
import http from 'node:http';
import { createFlow } from '../test/support/flow-helpers';
import { API, ownerWithTeam } from '../test/support/identity-helpers';
import { CpuMeter } from './lib/cpu-meter';
import { cpuProfileArgs, latestProfile, printSummary } from './lib/cpu-profile';
import { printMachine, runBenchmark } from './lib/machine';
import { readPgActivity } from './lib/pg-activity';
import { startHelperProcess } from './lib/processes';
import { startStack } from './lib/stack';
import { fmt, printTable } from './lib/stats';

/**
 * What one API request costs, by endpoint: CPU per request of the `api` process, Postgres and Redis,
 * and requests/s, for R requests from 16 concurrent keep-alive clients. The ladder separates the
 * framework's floor from the run submission that `bench:throughput` pays on every execution:
 *
 *   GET  /resource-types           authenticated, no tenancy check, no database (the pipeline's floor)
 *   GET  /teams/{id}/flows/{id}    + team access check + one read
 *   POST /teams/{id}/flows/run     + rate limit, flow version, run insert, BullMQ job (no worker runs them)
 *   bare POST                      express.json + one prepared INSERT in its own process (lib/bare-save-server.ts)
 *
 * Postgres commits per request from pg_stat_database (read-only statements count: one per statement).
 *
 *   BENCH_R=3000          requests per endpoint (after 300 warm-up requests each)
 *   BENCH_CLIENTS=16      concurrent clients
 *   BENCH_ONLY=<text>     only the endpoints whose name contains it
 *   BENCH_CPU_PROF=<dir>  run the api under --cpu-prof and print its top frames
 */
async function main(): Promise<void> {
  printMachine('API request cost by endpoint');
  const R = Number(process.env.BENCH_R ?? 3000);
  const clients = Number(process.env.BENCH_CLIENTS ?? 16);
  console.log(`setup:   ${R} requests per endpoint, ${clients} concurrent keep-alive clients; 1 api child process, no worker; bare server in its own process\n`);

  const profileDir = process.env.BENCH_CPU_PROF;
  const stack = await startStack('api_request', { workers: 0, apiOptions: profileDir ? { nodeArgs: cpuProfileArgs(`${profileDir}/api`) } : {} });
  const bare = await startHelperProcess('bare-save-server.js', 'BARE_SAVE_URL', { DATABASE_URL: stack.env.DATABASE_URL });
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  try {
    const { user, teamId } = await ownerWithTeam(stack.app, 'bench');
    const flowId = await createFlow(stack.app, user, teamId, {
      name: 'three-step',
      steps: [
        { name: 'a', type: 'http', config: { url: 'http://127.0.0.1:9/items/1' }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] },
        { name: 'b', type: 'http', config: { url: 'http://127.0.0.1:9/items/${a.response.body.next}' }, assertions: [{ path: 'body.id', operator: 'equals', expected: 2 }] },
        { name: 'c', type: 'delay', config: { delayMs: 0 } },
      ],
    });
    const send = (method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        const h: Record<string, string | number> = { ...headers };
        if (body !== undefined) Object.assign(h, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        const req = http.request(url, { method, agent, headers: h }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    const runBody = JSON.stringify({ flowId });
    const endpoints: Array<{ name: string; pid: () => number; call: () => Promise<number>; expect: number }> = [
      { name: 'GET /resource-types', pid: () => stack.api.pid, call: () => send('GET', `${stack.app.url}${API}/resource-types`, undefined, user.auth), expect: 200 },
      { name: 'GET /teams/{id}/flows/{id}', pid: () => stack.api.pid, call: () => send('GET', `${stack.app.url}${API}/teams/${teamId}/flows/${flowId}`, undefined, user.auth), expect: 200 },
      { name: 'POST /teams/{id}/flows/run', pid: () => stack.api.pid, call: () => send('POST', `${stack.app.url}${API}/teams/${teamId}/flows/run`, runBody, user.auth), expect: 201 },
      { name: 'bare POST (express.json + INSERT)', pid: () => bare.pid, call: () => send('POST', `${bare.url}/flows`, JSON.stringify({ name: 'run', flowId })), expect: 201 },
    ];
    const meter = await CpuMeter.create({ api: stack.api.pid, bare: bare.pid }, stack.env.DATABASE_URL, stack.env.REDIS_URL);
    const rows: Array<Array<string | number>> = [['endpoint', 'requests/s', 'server process ms/req', 'postgres ms/req', 'redis ms/req', 'total ms/req', 'pg commits/req']];
    for (const e of endpoints.filter((x) => x.name.includes(process.env.BENCH_ONLY ?? ''))) {
      const burst = async (n: number) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: clients }, async () => {
            while (next < n) {
              next++;
              const status = await e.call();
              if (status !== e.expect) throw new Error(`${e.name}: HTTP ${status}`);
            }
          }),
        );
      };
      await burst(300); // JIT, pools, prepared statements
      const pgBefore = await readPgActivity(stack.env.DATABASE_URL);
      const t0 = performance.now();
      const { cpu } = await meter.measure(() => burst(R));
      const seconds = (performance.now() - t0) / 1000;
      const commits = ((await readPgActivity(stack.env.DATABASE_URL)).commits - pgBefore.commits) / R;
      const server = e.pid() === bare.pid ? cpu.bare : cpu.api;
      rows.push([e.name, fmt(R / seconds, 0), fmt(server / R), fmt(cpu.postgres / R), fmt(cpu.redis / R), fmt((server + cpu.postgres + cpu.redis) / R), fmt(commits, 1)]);
    }
    await meter.close();
    printTable(rows);
    console.log('\n(CPU from /proc utime+stime in 10 ms ticks; postgres: the backends of this database; redis: the shared server)');
    if (profileDir) {
      await stack.api.stop('SIGUSR2');
      printSummary(latestProfile(`${profileDir}/api`), 40, process.env.BENCH_PROF_START ?? 'resources/resource-types.controller');
    }
  } finally {
    agent.destroy();
    await bare.stop();
    await stack.close();
  }
}

runBenchmark(main);
