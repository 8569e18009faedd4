import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertWebBuilt, launchBrowser, seriousA11yViolations } from '../support/browser';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { ownerWithTeam, PASSWORD, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/** A response the test releases when it is ready: makes "step 1 done, step 2 still running" a state, not a race. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/**
 * The live execution view in a real browser against the real API, worker and bundle: a two-step HTTP
 * flow turns green step by step over Socket.IO, a step's response opens in the JSON viewer, a long run
 * is cancelled from the UI, and the executions list links to the view. axe-core on every screen.
 * With SCREENSHOTS=1 it saves docs/img/execution-live.png (npm run docs:screenshots).
 */
describe('live execution view in the browser', () => {
  let t: TestApp;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: TestUser;
  let teamId: string;
  const firstStep = gate();
  const secondStep = gate();

  beforeAll(async () => {
    assertWebBuilt();
    target = await startHttpTarget({
      'GET /order': async (_req, _body, res) => {
        await firstStep.opened;
        json(res, 200, { orderId: 'o-42', state: 'NEW' });
      },
      'GET /shipment': async (_req, _body, res) => {
        await secondStep.opened;
        await new Promise((r) => setTimeout(r, 300));
        json(res, 200, { shipped: true, trackingCode: 'TRK-42' });
      },
    });
    t = await startTestApp('browser-execution-live');
    ({ user, teamId } = await ownerWithTeam(t, 'Grace'));
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    firstStep.open();
    secondStep.open();
    await context?.close();
    await browser?.close();
    await t?.close();
    await target?.close();
  });

  async function expectAccessible(screen: string): Promise<void> {
    expect({ screen, violations: await seriousA11yViolations(page) }).toEqual({ screen, violations: [] });
  }

  const step = (name: RegExp) => page.getByRole('list', { name: 'Steps' }).getByRole('button', { name });

  it('shows the steps turning green live, one after the other, and opens a response', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'Ship an order',
      steps: [
        noRetry({ name: 'fetch_order', type: 'http', config: { url: `${target.url}/order` }, assertions: [{ path: 'status', operator: 'equals', expected: 200 }] }),
        noRetry({ name: 'await_shipment', type: 'http', config: { url: `${target.url}/shipment` }, assertions: [{ path: 'body', operator: 'equals', expected: { shipped: true } }] }),
      ],
    });
    await page.goto(`${t.url}/sign-in`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();

    const execution = await runFlow(t, user, teamId, flowId);
    await page.goto(`${t.url}/teams/${teamId}/executions/${execution.id}`);
    await page.getByRole('heading', { name: /Ship an order/ }).waitFor();
    await step(/^1\. fetch_order .*in progress/).waitFor();
    await expectAccessible('live execution (running)');

    firstStep.open();
    await step(/^1\. fetch_order .*success/).waitFor();
    // The second step is held by the target: the first one went green while the second still runs.
    await expect(step(/^2\. await_shipment/).textContent()).resolves.toMatch(/in progress/);
    await expect(page.getByRole('status', { name: 'Execution status' }).textContent()).resolves.toBe('in progress');

    secondStep.open();
    await step(/^2\. await_shipment .*error/).waitFor(); // its object assertion fails: the diff shows why
    await page.getByRole('status', { name: 'Execution status' }).getByText('failed').waitFor();

    await step(/^1\. fetch_order/).click();
    const detail = page.getByRole('region', { name: /fetch_order/ });
    await detail.getByRole('figure', { name: 'Response' }).getByText('"o-42"').waitFor();
    await detail.getByRole('table', { name: 'Response headers' }).getByRole('rowheader', { name: 'content-type' }).waitFor();

    await step(/^2\. await_shipment/).click();
    const failed = page.getByRole('region', { name: /await_shipment/ });
    await failed.getByRole('figure', { name: 'Response' }).getByText('"TRK-42"').waitFor();
    await failed.getByRole('list', { name: 'Differences' }).getByText(/trackingCode/).waitFor();
    await expectAccessible('live execution (step detail)');

    if (process.env.SCREENSHOTS === '1') {
      await page.screenshot({ path: resolve('docs/img/execution-live.png'), fullPage: false });
    }
  });

  it('cancels a long run from the UI', async () => {
    const flowId = await createFlow(t, user, teamId, {
      name: 'Wait a long time',
      steps: [noRetry({ name: 'long_wait', type: 'delay', config: { delayMs: 30_000 } })],
    });
    const execution = await runFlow(t, user, teamId, flowId);
    await page.goto(`${t.url}/teams/${teamId}/executions/${execution.id}`);
    await step(/^1\. long_wait .*in progress/).waitFor();
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('status', { name: 'Execution status' }).getByText('cancelled').waitFor();
    expect((await waitForExecution(t, user, teamId, execution.id)).status).toBe('CANCELLED');
    await page.getByRole('button', { name: 'Cancel run' }).waitFor({ state: 'detached' });
  });

  it('lists the runs with links to the live view and a time-range filter', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Executions' }).click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await page.getByRole('link', { name: /Wait a long time/ }).waitFor();
    await page.getByRole('button', { name: /^JUnit report of Ship an order/ }).waitFor();
    await expectAccessible('executions');

    await page.getByLabel('From').fill('2999-01-01T00:00');
    await page.getByText('No executions match.').waitFor();
    await page.getByLabel('From').fill('');
    await page.getByRole('link', { name: /Ship an order/ }).click();
    await step(/^1\. fetch_order .*success/).waitFor();
  });
});
