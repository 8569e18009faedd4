import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { NEEDS_COMPOSE } from '../../src/seed/demo-content';
import { closedPort } from '../support/closed-port';
import { type FakeLoki, startFakeLoki } from '../support/fake-loki-server';
import { type ScrapingPrometheus, startScrapingPrometheus } from '../support/scraping-prometheus';
import { API } from '../support/identity-helpers';
import { createTestDatabase } from '../support/test-database';
import { TEST_KAFKA_BROKERS, TEST_REDIS_URL } from '../support/test-env';

const ROOT = path.resolve(__dirname, '../..');

// A new user's first run, the way the README tells it: `npm run quickstart` (minus `npm ci` and the
// build, which the test run has done: `npx nest build` first), sign in as the demo user, run every
// seeded flow, stop with SIGTERM. The flows that need docker compose must say so; this machine has
// Kafka (DEMO_KAFKA_BROKERS) and Prometheus, scraping the demo as compose's does, and the demo's JSON
// log lines are forwarded from the app's stdout into the Loki contract fake, as promtail does under
// compose: so those flows are run and must pass too.
describe('first run: npm run quickstart:start (built app, SEED_DEMO=true)', () => {
  let npm: ChildProcess;
  let output = '';
  let url: string;
  let demoPort: number;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let prometheus: ScrapingPrometheus;
  let loki: FakeLoki;
  const prefix = `ats-e2e-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase('firstrun');
    const port = await closedPort();
    demoPort = await closedPort();
    url = `http://127.0.0.1:${port}`;
    prometheus = await startScrapingPrometheus(`127.0.0.1:${demoPort}`, 'demo-service');
    loki = await startFakeLoki();
    npm = spawn('npm', ['run', 'quickstart:start'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        PORT: String(port),
        DEMO_PORT: String(demoPort),
        DEMO_KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
        DEMO_PROMETHEUS_URL: prometheus.url,
        DEMO_LOKI_URL: loki.url,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    npm.stdout!.on('data', (chunk) => {
      output += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) shipDemoLine(loki, line);
    });
    npm.stderr!.on('data', (chunk) => (output += chunk));
    await eventually(() => /listening on /.test(output), 60000, () => `no startup line; output so far:\n${output}`);
  }, 90000);

  afterAll(async () => {
    // After a failure before the SIGTERM test: npm's SIGKILL would not reach the app it runs.
    const app = npm && npm.exitCode === null && npm.signalCode === null ? appProcessOf(npm) : undefined;
    if (app && alive(app)) process.kill(app, 'SIGKILL');
    if (npm && npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    await database?.drop();
    await prometheus?.close();
    await loki?.close();
  });

  it('logs the address it really listens on (HOST=127.0.0.1 in quickstart)', () => {
    expect(output).toContain(`listening on ${url} — Swagger UI at ${url}/docs`);
  });

  it('runs every seeded flow: all COMPLETE, those needing Kafka/Prometheus/Loki say they need docker compose', async () => {
    const http = request(url);
    const login = await http.post(`${API}/auth/login`).send({ email: 'demo@example.com', password: 'demo-password-123' }).expect(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    const teamId = (await http.get(`${API}/auth/me`).set(auth).expect(200)).body.teams[0].id;
    const flows: Array<{ id: string; name: string; description: string; tags: string[] }> = (await http.get(`${API}/teams/${teamId}/flows`).set(auth).expect(200)).body.items;
    expect(flows).toHaveLength(5);

    const needs = (flow: { description: string }) => new RegExp(`^${NEEDS_COMPOSE}: (\\w+)`).exec(flow.description)?.[1];
    expect(Object.fromEntries(flows.map((flow) => [flow.name, needs(flow)]))).toEqual({
      'Place an order': undefined,
      'Order API smoke test': undefined,
      'Order placed → event published': 'Kafka',
      'Orders counted in Prometheus': 'Prometheus',
      'Order logged in Loki': 'Loki',
    });
    const verdicts = await Promise.all(
      flows.map(async (flow) => {
        const run = await http.post(`${API}/teams/${teamId}/flows/run`).set(auth).send({ flowId: flow.id }).expect(201);
        let execution: any;
        await eventually(async () => {
          execution = (await http.get(`${API}/teams/${teamId}/executions/${run.body.id}`).set(auth).expect(200)).body;
          return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(execution.status);
        }, 60000, () => `${flow.name} still ${execution?.status}`);
        const failed = execution.steps.filter((s: any) => s.status !== 'SUCCESS').map((s: any) => `${s.name}: ${s.status} ${JSON.stringify(s.error ?? s.assertions)}`);
        return { flow: flow.name, status: execution.status, error: execution.error, failed };
      }),
    );
    expect(verdicts).toEqual(flows.map((flow) => ({ flow: flow.name, status: 'COMPLETED', error: null, failed: [] })));
  }, 90000);

  it('stops on SIGTERM to npm: the app exits, both ports are freed, no node process is left', async () => {
    const appPid = appProcessOf(npm)!;
    expect(processCommand(appPid)).toContain('dist/src/main.js');
    const exited = new Promise((resolve) => npm.once('exit', resolve));
    npm.kill('SIGTERM');
    await eventually(() => !alive(appPid), 20000, () => `app process ${appPid} (${processCommand(appPid)}) still alive after SIGTERM to npm`);
    await exited;
    expect(await accepts(Number(new URL(url).port))).toBe(false);
    expect(await accepts(demoPort)).toBe(false);
  }, 30000);
});

/** What promtail does under docker compose: the demo's JSON lines, as the stream {app="demo-service"}. */
function shipDemoLine(loki: FakeLoki, line: string): void {
  if (!line.startsWith('{')) return;
  try {
    if (JSON.parse(line).app === 'demo-service') loki.push({ app: 'demo-service' }, [{ line }]);
  } catch {
    // not a JSON line
  }
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The process npm runs the script in: with `exec` in the script, the app itself. */
function appProcessOf(npm: ChildProcess): number | undefined {
  try {
    return Number(execFileSync('pgrep', ['-P', String(npm.pid)]).toString().trim().split('\n')[0]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function processCommand(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)]).toString().trim();
  } catch {
    return '(gone)';
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
