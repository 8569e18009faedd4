import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { NEEDS_COMPOSE } from '../../src/seed/demo-content';
import { closedPort } from '../support/closed-port';
import { API } from '../support/identity-helpers';
import { createTestDatabase } from '../support/test-database';
import { TEST_KAFKA_BROKERS, TEST_REDIS_URL } from '../support/test-env';

const ROOT = path.resolve(__dirname, '../..');

// A new user's first run, the way the README tells it: `npm run quickstart` (minus `npm ci` and the
// build, which the test run has done: `npx nest build` first), sign in as the demo user, run every
// seeded flow, stop with SIGTERM. Kafka is on this machine, so the Kafka flow runs too
// (DEMO_KAFKA_BROKERS); Prometheus and Loki flows need docker compose and must say so.
describe('first run: npm run quickstart:start (built app, SEED_DEMO=true)', () => {
  let npm: ChildProcess;
  let output = '';
  let url: string;
  let demoPort: number;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const prefix = `ats-e2e-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase('firstrun');
    const port = await closedPort();
    demoPort = await closedPort();
    url = `http://127.0.0.1:${port}`;
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
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout!.on('data', (chunk) => (output += chunk));
    npm.stderr!.on('data', (chunk) => (output += chunk));
    await eventually(() => /listening on /.test(output), 60000, () => `no startup line; output so far:\n${output}`);
  }, 90000);

  afterAll(async () => {
    if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    await database?.drop();
  });

  it('logs the address it really listens on (HOST=127.0.0.1 in quickstart)', () => {
    expect(output).toContain(`listening on ${url} — Swagger UI at ${url}/docs`);
  });

  it('runs every seeded flow: those without Kafka/Prometheus/Loki, and Kafka (on this machine), COMPLETE; the others say they need docker compose', async () => {
    const http = request(url);
    const login = await http.post(`${API}/auth/login`).send({ email: 'demo@example.com', password: 'demo-password-123' }).expect(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    const teamId = (await http.get(`${API}/auth/me`).set(auth).expect(200)).body.teams[0].id;
    const flows: Array<{ id: string; name: string; description: string; tags: string[] }> = (await http.get(`${API}/teams/${teamId}/flows`).set(auth).expect(200)).body.items;
    expect(flows).toHaveLength(5);

    // Kafka is the one outside system this machine has; Prometheus and Loki only come with docker compose.
    const needsCompose = (flow: { tags: string[] }) => flow.tags.includes('prometheus') || flow.tags.includes('loki');
    for (const flow of flows.filter(needsCompose)) expect(flow.description).toMatch(new RegExp(`^${NEEDS_COMPOSE}: (Prometheus|Loki)`));
    const kafkaFlow = flows.find((flow) => flow.tags.includes('kafka'))!;
    expect(kafkaFlow.description).toMatch(new RegExp(`^${NEEDS_COMPOSE}: Kafka`));
    for (const flow of flows.filter((f) => !f.tags.includes('kafka') && !needsCompose(f))) expect(flow.description).not.toContain(NEEDS_COMPOSE);

    const runnable = flows.filter((flow) => !needsCompose(flow));
    expect(runnable.map((f) => f.name).sort()).toEqual(['Order API smoke test', 'Order placed → event published', 'Place an order']);
    const verdicts = await Promise.all(
      runnable.map(async (flow) => {
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
    expect(verdicts).toEqual(runnable.map((flow) => ({ flow: flow.name, status: 'COMPLETED', error: null, failed: [] })));
  }, 90000);

  it('stops on SIGTERM to npm: the app exits, both ports are freed, no node process is left', async () => {
    const appPid = Number(execFileSync('pgrep', ['-P', String(npm.pid)]).toString().trim().split('\n')[0]);
    expect(processCommand(appPid)).toContain('dist/src/main.js');
    const exited = new Promise((resolve) => npm.once('exit', resolve));
    npm.kill('SIGTERM');
    await eventually(() => !alive(appPid), 20000, () => `app process ${appPid} (${processCommand(appPid)}) still alive after SIGTERM to npm`);
    await exited;
    expect(await accepts(Number(new URL(url).port))).toBe(false);
    expect(await accepts(demoPort)).toBe(false);
  }, 30000);
});

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, 100));
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
