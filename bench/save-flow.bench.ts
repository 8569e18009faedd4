import 'reflect-metadata';
import http from 'node:http';
import { API, ownerWithTeam } from '../test/support/identity-helpers';
import { chainedFlow } from './lib/chain-flows';
import { CpuMeter } from './lib/cpu-meter';
import { cpuProfileArgs, latestProfile, printSummary } from './lib/cpu-profile';
import { printMachine, runBenchmark } from './lib/machine';
import { startHelperProcess } from './lib/processes';
import { startStack } from './lib/stack';
import { fmt, median, printTable, verdict } from './lib/stats';

/**
 * Saving a flow: `POST /teams/{id}/flows` (shape validation, plugin config checks, references,
 * resources, version row) through an `api` child process, for a 100-step and a 1,000-step chained flow
 * (templated URLs, two assertions per step), round trip timed by this process. Baseline, same run,
 * interleaved: the same JSON posted to a bare process doing `express.json` + one INSERT of it as jsonb
 * (`lib/bare-save-server.ts`). CPU per save by process from /proc (the API, the bare server, Postgres).
 *
 *   BENCH_SAVE_N=100,1000   flow lengths
 *   BENCH_REPEAT=7          saves per length and side (medians are reported)
 *   BENCH_CPU_PROF=<dir>    run the api under --cpu-prof and print its top frames from the first save on
 */
const TARGET_MS: Record<number, number> = { 100: 10, 1000: 50 };

async function main(): Promise<void> {
  printMachine('Saving a flow: POST /flows vs express.json + one INSERT');
  const lengths = (process.env.BENCH_SAVE_N ?? '100,1000').split(',').map(Number);
  const repeat = Number(process.env.BENCH_REPEAT ?? 7);
  const profileDir = process.env.BENCH_CPU_PROF;
  console.log(`setup:   1 api child process (no worker), bare server in its own process, same database; ${repeat} saves per N and side, interleaved, medians\n`);

  const stack = await startStack('save', { workers: 0, apiOptions: profileDir ? { nodeArgs: cpuProfileArgs(`${profileDir}/api`) } : {} });
  const bare = await startHelperProcess('bare-save-server.js', 'BARE_SAVE_URL', { DATABASE_URL: stack.env.DATABASE_URL });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const { user, teamId } = await ownerWithTeam(stack.app, 'bench');
    const targetUrl = 'http://127.0.0.1:9/unused'; // never called: the flows are only saved
    let seq = 0;
    const bodyOf = (n: number) => JSON.stringify(chainedFlow(`save-${n}-${seq++}`, targetUrl, n));
    const post = (url: string, body: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; ms: number; text: string }>((resolve, reject) => {
        const t0 = performance.now();
        const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, text: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const saveApi = async (n: number) => {
      const r = await post(`${stack.app.url}${API}/teams/${teamId}/flows`, bodyOf(n), user.auth);
      if (r.status !== 201) throw new Error(`save: ${r.status} ${r.text.slice(0, 500)}`);
      return r.ms;
    };
    const saveBare = async (n: number) => {
      const r = await post(`${bare.url}/flows`, bodyOf(n));
      if (r.status !== 201) throw new Error(`bare save: ${r.status} ${r.text.slice(0, 500)}`);
      return r.ms;
    };

    for (let i = 0; i < 3; i++) for (const n of lengths) await saveApi(n), await saveBare(n); // warm-up (JIT, pools)

    const meter = await CpuMeter.create({ api: stack.api.pid, bare: bare.pid }, stack.env.DATABASE_URL);
    const samples: Record<string, Record<number, number[]>> = { api: {}, bare: {} };
    const cpu: Record<string, Record<number, Record<string, number>>> = { api: {}, bare: {} };
    for (const side of ['api', 'bare']) for (const n of lengths) (samples[side][n] = []), (cpu[side][n] = {});
    const add = (side: string, n: number, used: Record<string, number>) => {
      for (const [k, v] of Object.entries(used)) cpu[side][n][k] = (cpu[side][n][k] ?? 0) + v;
    };
    for (let r = 0; r < repeat; r++) {
      for (const n of r % 2 ? [...lengths].reverse() : lengths) {
        const sides = r % 2 ? (['bare', 'api'] as const) : (['api', 'bare'] as const);
        for (const side of sides) {
          const m = await meter.measure(() => (side === 'api' ? saveApi(n) : saveBare(n)));
          samples[side][n].push(m.result);
          add(side, n, m.cpu);
        }
      }
    }
    await meter.close();

    printTable([
      ['median round trip (ms)', ...lengths.map((n) => `N=${n}`)],
      ['POST /teams/{id}/flows (api)', ...lengths.map((n) => fmt(median(samples.api[n]), 1))],
      ['bare: express.json + one INSERT', ...lengths.map((n) => fmt(median(samples.bare[n]), 1))],
      ['api / bare', ...lengths.map((n) => `${fmt(median(samples.api[n]) / median(samples.bare[n]), 1)}x`)],
    ]);
    console.log('\nCPU time per save (ms), by process — /proc utime+stime, 10 ms ticks summed over all saves:');
    const procs = ['api', 'bare', 'postgres'];
    printTable([
      ['', ...lengths.flatMap((n) => procs.map((p) => `${p} N=${n}`))],
      ...(['api', 'bare'] as const).map((side) => [side === 'api' ? 'POST /flows' : 'bare save', ...lengths.flatMap((n) => procs.map((p) => fmt((cpu[side][n][p] ?? 0) / repeat, 2)))]),
    ]);
    for (const n of lengths) {
      const target = TARGET_MS[n];
      if (target) console.log(`target ≤ ${target} ms for N=${n}: ${fmt(median(samples.api[n]), 1)} ms → ${verdict(median(samples.api[n]) <= target)}`);
    }
    console.log(`raw samples (ms): ${JSON.stringify(Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([n, s]) => [n, s.map((x) => Math.round(x * 10) / 10)]))])))}`);
    if (profileDir) {
      await stack.api.stop('SIGUSR2');
      console.log('\n## api (from the first flow save on)');
      printSummary(latestProfile(`${profileDir}/api`), 30, 'flows/flows.service');
    }
  } finally {
    agent.destroy();
    await bare.stop();
    await stack.close();
  }
}

runBenchmark(main);
