import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertWebBuilt, launchBrowser, seriousA11yViolations } from '../support/browser';
import { waitForExecution } from '../support/flow-helpers';
import { startHttpTarget, json } from '../support/http-target';
import { addMember, API, ownerWithTeam, PASSWORD, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

const SCREENSHOT = resolve('docs/img/flow-editor.png');

/**
 * The flow editor in a real browser against the real API: a two-step HTTP flow built with the form
 * (resource picker, a `${` reference picked from the autocomplete), a validation problem shown inline
 * and fixed, save → version 1, the YAML view and back, a run from the Run dialog that completes, axe on
 * each state, and a viewer who gets the flow read-only.
 */
describe('flow editor in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let owner: TestUser;
  let teamId: string;
  let flowId: string;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;

  beforeAll(async () => {
    assertWebBuilt();
    target = await startHttpTarget({
      'POST /orders': (_req, _body, res) => json(res, 201, { id: 'o-42' }),
      'GET /orders/*': (_req, _body, res) => json(res, 200, { status: 'placed' }),
    });
    t = await startTestApp('browser-flow-editor');
    ({ user: owner, teamId } = await ownerWithTeam(t, 'editor-owner'));
    await t.http.post(`${API}/teams/${teamId}/resources`).set(owner.auth).send({ name: 'shop', type: 'http', config: { baseUrl: target.url } }).expect(201);
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    await target?.close();
  });

  async function expectAccessible(screen: string, on: Page = page): Promise<void> {
    expect({ screen, violations: await seriousA11yViolations(on) }).toEqual({ screen, violations: [] });
  }

  async function signIn(on: Page, email: string): Promise<void> {
    await on.goto(`${t.url}/sign-in`);
    await on.getByLabel('Email').fill(email);
    await on.getByLabel('Password').fill(PASSWORD);
    await on.getByRole('button', { name: 'Sign in' }).click();
    await on.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  }

  it('builds a two-step flow with the form, fixes a problem shown inline, and saves version 1', async () => {
    await signIn(page, owner.email);
    await page.goto(`${t.url}/teams/${teamId}/flows/new`);
    await page.getByRole('heading', { name: 'New flow' }).waitFor();
    await page.getByRole('combobox', { name: /^name/ }).fill('Order then read it');

    // Step 1: http through the picked resource.
    await page.getByLabel('New step type').selectOption('http');
    await page.getByRole('button', { name: 'Add step' }).click();
    const first = page.getByRole('group', { name: /^Step 1:/ });
    await first.getByLabel(/^Step name/).fill('first');
    await first.getByLabel(/^Resource/).selectOption({ label: 'shop' });
    await first.getByRole('combobox', { name: /^url/ }).fill('/orders');
    await first.getByRole('combobox', { name: /^method/ }).fill('POST');

    // Step 2: its URL is still empty → the API's problem shows beside the field and blocks saving.
    await page.getByRole('button', { name: 'Add step' }).click();
    const second = page.getByRole('group', { name: /^Step 2:/ });
    await second.getByLabel(/^Step name/).fill('second');
    await second.getByLabel(/^Resource/).selectOption({ label: 'shop' });
    const url = second.getByRole('combobox', { name: /^url/ });
    await url.and(page.locator('[aria-invalid="true"]')).waitFor();
    const problemId = (await url.getAttribute('aria-describedby'))!;
    await expect(page.locator(`#${problemId}`).textContent()).resolves.toMatch(/url/);
    await expect(page.getByRole('button', { name: /^Save \(\d+ problems?\)$/ }).isDisabled()).resolves.toBe(true);
    await expectAccessible('editor with a problem');

    // The reference is picked from the `${` autocomplete with the keyboard.
    await url.click();
    await url.pressSequentially('/orders/${first.response.bo');
    await page.getByRole('option', { name: /first\.response\.body/ }).first().waitFor();
    await expect(url.getAttribute('aria-expanded')).resolves.toBe('true');
    await expectAccessible('autocomplete open');
    await url.press('Enter');
    await expect(url.inputValue()).resolves.toBe('/orders/${first.response.body}');
    await url.press('ArrowLeft');
    await url.pressSequentially('.id');
    await url.press('Escape');
    await expect(url.inputValue()).resolves.toBe('/orders/${first.response.body.id}');

    const save = page.getByRole('button', { name: 'Save', exact: true });
    await save.waitFor();
    await expect(url.getAttribute('aria-invalid')).resolves.toBeNull();
    await save.click();
    await page.getByRole('heading', { name: 'Flow: Order then read it' }).waitFor();
    flowId = /\/flows\/([0-9a-f-]{36})$/.exec(page.url())![1];
    await page.getByRole('row', { name: /v1 \(latest\)/ }).waitFor();
    await expectAccessible('saved flow');
    if (process.env.SCREENSHOTS === '1') {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    }

    const saved = await t.http.get(`${API}/teams/${teamId}/flows/${flowId}`).set(owner.auth).expect(200);
    expect(saved.body.version).toBe(1);
    expect(saved.body.steps.map((s: { name: string; config: { url: string } }) => [s.name, s.config.url])).toEqual([
      ['first', '/orders'],
      ['second', '/orders/${first.response.body.id}'],
    ]);
  });

  it('shows the same flow as YAML and back as the form', async () => {
    await page.getByRole('button', { name: 'YAML', exact: true }).click();
    const text = page.getByRole('textbox', { name: 'Flow as YAML' });
    await text.waitFor();
    await expect(text.textContent()).resolves.toContain('url: /orders/${first.response.body.id}');
    await expectAccessible('YAML view');
    await page.getByRole('button', { name: 'Form', exact: true }).click();
    await expect(page.getByRole('group', { name: /^Step 2:/ }).getByRole('combobox', { name: /^url/ }).inputValue()).resolves.toBe('/orders/${first.response.body.id}');
  });

  it('runs the flow from the Run dialog; the execution completes', async () => {
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run flow' });
    await dialog.waitFor();
    await expectAccessible('run dialog');
    await dialog.getByLabel('Initial delay (ms)').fill('0');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/teams\/[0-9a-f-]{36}\/executions\/[0-9a-f-]{36}$/);
    const executionId = page.url().split('/').pop()!;
    const done = await waitForExecution(t, owner, teamId, executionId, 30_000);
    expect(done.status).toBe('COMPLETED');
    expect(target.hits['GET /orders/o-42']).toBe(1);
  });

  it('runs the flow once per row of test data from the Run dialog, then lists its executions', async () => {
    await page.goto(`${t.url}/teams/${teamId}/flows/${flowId}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run flow' });
    await dialog.waitFor();
    await dialog.getByText('Test data: one run per row').click();
    const rows = dialog.getByRole('textbox', { name: /JSON array of up to 100 rows/ });
    await rows.fill('[{}, "oops"]');
    await dialog.getByText('Row 2 is not an object of variables (name → value)').waitFor();
    await rows.fill('[{}, {}]');
    await expectAccessible('run dialog with test data');
    await dialog.getByRole('button', { name: 'Start 2 runs' }).click();
    await page.waitForURL(new RegExp(`/teams/${teamId}/executions\\?flowId=${flowId}$`));
    const list = await t.http.get(`${API}/teams/${teamId}/executions?flowId=${flowId}`).set(owner.auth).expect(200);
    expect(list.body.total).toBe(3); // the single run above and these two
    const done = await Promise.all(list.body.items.map((e: { id: string }) => waitForExecution(t, owner, teamId, e.id, 30_000)));
    expect(done.map((e) => e.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(target.hits['GET /orders/o-42']).toBe(3);
  });

  it('gives a viewer the flow read-only: no save, run or step controls', async () => {
    const viewer = await registerUser(t, 'editor-viewer');
    await addMember(t, owner, teamId, viewer, 'viewer');
    const viewerContext = await browser.newContext();
    try {
      const viewerPage = await viewerContext.newPage();
      await signIn(viewerPage, viewer.email);
      await viewerPage.goto(`${t.url}/teams/${teamId}/flows/${flowId}`);
      await viewerPage.getByRole('heading', { name: 'Flow: Order then read it' }).waitFor();
      await viewerPage.getByText('Read only: your role in this team is viewer.').waitFor();
      await expect(viewerPage.getByRole('button', { name: /^Save/ }).count()).resolves.toBe(0);
      await expect(viewerPage.getByRole('button', { name: 'Run', exact: true }).count()).resolves.toBe(0);
      await expect(viewerPage.getByRole('button', { name: /^Delete step/ }).count()).resolves.toBe(0);
      await expectAccessible('viewer', viewerPage);
    } finally {
      await viewerContext.close();
    }
  });
});
