import 'reflect-metadata';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { assertWebBuilt, launchBrowser } from '../test/support/browser';
import { createFlow, noRetry, runFlow, waitForExecution } from '../test/support/flow-helpers';
import { API, ownerWithTeam, PASSWORD } from '../test/support/identity-helpers';
import { printMachine, runBenchmark } from './lib/machine';
import { startStack } from './lib/stack';
import { printTable, verdict } from './lib/stats';
import { waterfallDepth, waterfallLevels } from './lib/waterfall';

/**
 * Web UI first load and navigation (issue #17): drives Debian's Chromium through the real app (an `api`
 * and a `worker` child process; the API serves the built web/dist at `/`) and, per screen, records
 * the JavaScript downloaded, every API request made, their waterfall depth (lib/waterfall.ts: 1 = all
 * in parallel) and the time until the screen's heading is visible.
 *
 * JS sizes: "raw" is the bundles' size, "gzip" each body gzipped here at level 9 (the budget's measure),
 * "sent" what the API actually transferred — its precompressed brotli copy for Chromium (the build writes
 * .br and .gz copies, src/web/spa-handler.ts picks the one the browser accepts; 0 for a cache hit).
 *
 * Baselines, same run, same browser: the sign-in page with JavaScript disabled (the HTML round trip
 * alone: the floor under any screen), and the Swagger UI at /docs, the service's only other browser UI
 * (a JS bundle that then fetches /docs-json: what a user got before this UI).
 */
const BUDGET_GZIP_KB = 300;

interface ApiCall {
  method: string;
  path: string;
  start: number;
  end: number;
}

interface Measure {
  screen: string;
  ms: number;
  jsRaw: number;
  jsGzip: number;
  jsSent: number;
  calls: ApiCall[];
}

async function main(): Promise<void> {
  printMachine('Web UI: first load and navigation');
  assertWebBuilt();
  const stack = await startStack('web');
  const browser = await launchBrowser();
  try {
    // Data through the API: a team with three flows, four finished runs and a suite.
    const { user, teamId } = await ownerWithTeam(stack.app, 'web');
    const flowIds: string[] = [];
    for (const name of ['Checkout', 'Refund', 'Ship an order']) {
      flowIds.push(
        await createFlow(stack.app, user, teamId, {
          name,
          steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 5 } }), noRetry({ name: 'wait_again', type: 'delay', config: { delayMs: 5 } })],
        }),
      );
    }
    const runs = [];
    for (const flowId of [...flowIds, flowIds[0]]) runs.push(await runFlow(stack.app, user, teamId, flowId));
    for (const run of runs) await waitForExecution(stack.app, user, teamId, run.id);
    await stack.app.http
      .post(`${API}/teams/${teamId}/suites`)
      .set(user.auth)
      .send({ name: 'Regression', entries: flowIds.map((flowId) => ({ flowId })) })
      .expect(201);
    console.log(`setup:   1 api + 1 worker child process; 1 team, ${flowIds.length} flows, ${runs.length} finished executions, 1 suite; cold browser context\n`);

    const url = stack.app.url;
    const baseline = await measureBaselines(browser.newContext.bind(browser), url);

    const context = await browser.newContext();
    const page = await context.newPage();
    const recorder = new Recorder(page);
    const nav = (name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });
    const screens: Measure[] = [];
    const measure = async (screen: string, act: () => Promise<unknown>, heading: string | RegExp) => {
      screens.push(await recorder.measure(screen, act, () => shown(page, 'h1', typeof heading === 'string' ? new RegExp(`^${heading}$`) : heading)));
    };

    await measure('first load: sign in page', () => page.goto(`${url}/sign-in`), 'Sign in');
    const firstLoad = screens[0];
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await measure('sign in → Flows', () => page.getByRole('button', { name: 'Sign in' }).click(), 'Flows');
    await page.getByRole('link', { name: 'Checkout' }).waitFor();
    await measure('flow editor', () => page.getByRole('link', { name: 'Checkout' }).click(), /Checkout/);
    await measure('Executions', () => nav('Executions').click(), 'Executions');
    await page.getByRole('link', { name: 'Checkout' }).first().waitFor();
    await measure('execution live view', () => page.getByRole('link', { name: 'Checkout' }).first().click(), /Checkout/);
    await measure('Suites', () => nav('Suites').click(), 'Suites');
    await measure('Resources', () => nav('Resources').click(), 'Resources');
    await measure('Team', () => nav('Team').click(), /^Team /);
    await measure('Flows (from the nav)', () => nav('Flows').click(), 'Flows');
    await measure('reload on Flows (signed in, warm cache)', () => page.reload(), 'Flows');
    await context.close();

    printTable([
      ['screen', 'JS raw KB', 'JS gzip KB', 'JS sent KB', 'API requests', 'waterfall depth', 'heading visible ms'],
      ...[...screens, ...baseline].map((m) => [m.screen, kb(m.jsRaw), kb(m.jsGzip), kb(m.jsSent), m.calls.length, m.calls.length ? waterfallDepth(m.calls) : '-', Math.round(m.ms)]),
    ]);
    console.log('\nAPI requests per screen (start → end ms after the action; L = waterfall level):');
    for (const m of screens) {
      const levels = waterfallLevels(m.calls);
      for (const [i, c] of m.calls.entries()) console.log(`  ${m.screen.padEnd(40)} L${levels[i]} ${c.method.padEnd(5)} ${c.path.padEnd(60)} ${Math.round(c.start)} → ${Math.round(c.end)}`);
    }
    const deep = screens.filter((m) => waterfallDepth(m.calls) > 1).map((m) => m.screen);
    console.log(`\nbudget: first-load JS ≤ ${BUDGET_GZIP_KB} KB gzipped: ${kb(firstLoad.jsGzip)} KB → ${verdict(firstLoad.jsGzip <= BUDGET_GZIP_KB * 1024)}`);
    console.log(`no waterfall on navigation (depth 1 everywhere): ${deep.length ? `depth > 1 on ${deep.join(', ')}` : 'all depth ≤ 1'} → ${verdict(deep.length === 0)}`);
  } finally {
    await browser.close();
    await stack.close();
  }
}

/** Listens to one page's requests; `measure` keeps those made from its action until the screen settles. */
class Recorder {
  private current: { t0: number; js: Promise<Response | null>[]; calls: ApiCall[] } | undefined;

  constructor(private readonly page: Page) {
    page.on('requestfinished', (request) => {
      const current = this.current;
      if (!current) return;
      const path = new URL(request.url()).pathname;
      if (request.resourceType() === 'script') current.js.push(request.response());
      else if (path.startsWith(API) || path === '/docs-json') {
        // The browser's own timing: startTime is epoch ms, responseEnd is relative to it.
        const timing = request.timing();
        const start = timing.startTime - current.t0;
        current.calls.push({ method: request.method(), path: path.startsWith(API) ? path.slice(API.length) : path, start, end: start + timing.responseEnd });
      }
    });
  }

  async measure(screen: string, act: () => Promise<unknown>, visible: () => Promise<unknown>): Promise<Measure> {
    const current = { t0: Date.now(), js: [] as Promise<Response | null>[], calls: [] as ApiCall[] };
    this.current = current;
    await act();
    await visible();
    const ms = Date.now() - current.t0;
    // Then whatever the screen still loads after its heading (lists behind a "Loading" status).
    await this.page.getByRole('status').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
    await settle(this.page);
    this.current = undefined;
    let jsRaw = 0;
    let jsGzip = 0;
    let jsSent = 0;
    for (const response of await Promise.all(current.js)) {
      const body = await response!.body();
      jsRaw += body.length;
      jsGzip += gzipSync(body, { level: 9 }).length;
      const sent = (await response!.request().sizes()).responseBodySize;
      jsSent += Math.max(0, sent); // a file from the browser's cache reports -1: nothing was sent
    }
    return { screen, ms, jsRaw, jsGzip, jsSent, calls: current.calls.sort((a, b) => a.start - b.start) };
  }
}

/**
 * Resolves when an element matching `selector` whose text matches `text` is rendered, checked on every
 * animation frame in the page (Playwright's own waitFor polls with back-off up to 500 ms: too coarse).
 */
async function shown(page: Page, selector: string, text: RegExp): Promise<void> {
  await page.waitForFunction(
    ({ selector, source, flags }) =>
      [...document.querySelectorAll(selector)].some((el) => new RegExp(source, flags).test(el.textContent?.trim() ?? '') && el.getClientRects().length > 0),
    { selector, source: text.source, flags: text.flags },
    { polling: 'raf', timeout: 30_000 },
  );
}

/** Waits until no request has been in flight for 300 ms (API calls a screen makes after its heading shows). */
async function settle(page: Page): Promise<void> {
  let inflight = 0;
  let last = Date.now();
  const started = () => {
    inflight++;
    last = Date.now();
  };
  const ended = () => {
    inflight = Math.max(0, inflight - 1);
    last = Date.now();
  };
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  try {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (inflight > 0 || Date.now() - last < 300)) await new Promise((r) => setTimeout(r, 50));
  } finally {
    page.off('request', started);
    page.off('requestfinished', ended);
    page.off('requestfailed', ended);
  }
}

async function measureBaselines(newContext: () => Promise<BrowserContext>, url: string): Promise<Measure[]> {
  const out: Measure[] = [];
  const plain = await newContext();
  try {
    // Same document, no script: the server round trip and HTML parse, with nothing of the app running.
    const page = await plain.newPage();
    await page.route('**/*.js', (route) => route.abort());
    const t0 = Date.now();
    await page.goto(`${url}/sign-in`, { waitUntil: 'load' });
    out.push({ screen: 'baseline: sign-in HTML, no JS', ms: Date.now() - t0, jsRaw: 0, jsGzip: 0, jsSent: 0, calls: [] });
  } finally {
    await plain.close();
  }
  const docs = await newContext();
  try {
    const page = await docs.newPage();
    const recorder = new Recorder(page);
    out.push(await recorder.measure('baseline: Swagger UI /docs', () => page.goto(`${url}/docs`), () => shown(page, '.swagger-ui .title', /./)));
  } finally {
    await docs.close();
  }
  return out;
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

runBenchmark(main);
