import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertWebBuilt, launchBrowser, seriousA11yViolations } from '../support/browser';
import { createFlow, noRetry } from '../support/flow-helpers';
import { startHttpTarget } from '../support/http-target';
import { API, PASSWORD } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The admin screens in a real browser against the real API: register → create an HTTP resource with
 * the schema form and test it → create an API key (shown once, then only its preview) → build a suite
 * of one flow → run it and watch the counts live → download its JUnit report. axe-core on every screen.
 */
describe('admin screens in the browser', () => {
  let t: TestApp;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let teamId: string;
  const email = `grace-${Date.now()}@example.com`;

  beforeAll(async () => {
    assertWebBuilt();
    t = await startTestApp('browser-admin');
    // The connection test of an HTTP resource sends HEAD then GET to the base URL.
    target = await startHttpTarget({ 'HEAD /': (_req, _body, res) => void res.writeHead(200).end(), 'GET /': (_req, _body, res) => void res.writeHead(200).end('ok') });
    browser = await launchBrowser();
    context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await target?.close();
    await t?.close();
  });

  async function expectAccessible(screen: string): Promise<void> {
    expect({ screen, violations: await seriousA11yViolations(page) }).toEqual({ screen, violations: [] });
  }

  it('registers and creates a team', async () => {
    await page.goto(`${t.url}/register`);
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByLabel('Organisation name').fill('Navy');
    await page.getByLabel('Team name').fill('Compilers');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    teamId = /\/teams\/([0-9a-f-]{36})\//.exec(page.url())![1];
  });

  it('creates an HTTP resource with the generated form and tests its connection', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Resources' }).click();
    await page.getByRole('link', { name: 'New resource' }).click();
    await page.getByRole('heading', { name: 'New resource' }).waitFor();
    await page.getByLabel('Resource type').selectOption('http');
    await page.getByLabel('Resource name').fill('local-target');
    await page.getByLabel('baseUrl (required)').fill(target.url);
    await page.getByRole('group', { name: 'auth' }).getByLabel('type (required)').selectOption('bearer');
    await page.getByLabel('token', { exact: true }).fill('a-secret-bearer-token');
    await expectAccessible('new resource');
    await page.getByRole('button', { name: 'Create resource' }).click();

    await page.getByRole('heading', { name: 'Resource local-target' }).waitFor();
    expect(page.url()).toMatch(/\/resources\/[0-9a-f-]{36}$/);
    // The stored secret is "set", never shown or prefilled.
    await page.getByRole('button', { name: 'Replace token' }).waitFor();
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    expect(await page.content()).not.toContain('a-secret-bearer-token');

    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Connection' }).textContent()).resolves.toMatch(/^Connection ok in \d+ ms$/);
    expect(target.hits['HEAD /'] ?? target.hits['GET /']).toBeGreaterThan(0);
    await expectAccessible('resource');
  });

  it('creates an API key: shown once in a dialog, then only its preview', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByLabel('Key name').fill('ci');
    await page.getByLabel('Key role').selectOption('editor');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'API key ci created' });
    await dialog.waitFor();
    const key = await dialog.getByLabel('API key').inputValue();
    expect(key).toMatch(/^ats_/);
    await expectAccessible('API key dialog');
    // The key works (it is the real one) …
    await t.http.get(`${API}/teams/${teamId}/flows`).set({ Authorization: `Bearer ${key}` }).expect(200);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // … and from now on only its preview is on the page.
    const row = page.getByRole('row', { name: /ci/ });
    await row.waitFor();
    expect(await page.content()).not.toContain(key);
    await expectAccessible('team');
  });

  it('builds a suite of one flow, runs it live and downloads its JUnit report', async () => {
    const login = await t.http.post(`${API}/auth/login`).send({ email, password: PASSWORD }).expect(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    const user = { id: '', email, accessToken: login.body.accessToken, refreshToken: login.body.refreshToken, auth };
    await createFlow(t, user, teamId, { name: 'Quick check', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1 } })] });

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Suites' }).click();
    await page.getByRole('link', { name: 'New suite' }).click();
    await page.getByRole('heading', { name: 'New suite' }).waitFor();
    await page.getByLabel('Suite name').fill('Nightly');
    await page.getByRole('button', { name: 'Add flow', exact: true }).click();
    await page.getByRole('combobox', { name: /^Flow 1/ }).selectOption({ label: 'Quick check' });
    await expectAccessible('new suite');
    await page.getByRole('button', { name: 'Create suite' }).click();
    await page.getByRole('heading', { name: 'Suite Nightly' }).waitFor();
    await page.getByRole('heading', { name: 'Schedule' }).waitFor();
    await expectAccessible('suite');

    await page.getByRole('button', { name: 'Run suite' }).click();
    await page.getByRole('heading', { name: 'Suite run Nightly' }).waitFor();
    await page.getByTestId('count-passed').filter({ hasText: /^1$/ }).waitFor({ timeout: 30_000 });
    await page.getByRole('row', { name: /Quick check/ }).getByText('completed').waitFor();
    const link = page.getByRole('link', { name: 'Quick check' });
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^/teams/${teamId}/executions/[0-9a-f-]{36}$`));
    await expectAccessible('suite run');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JUnit report' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xml$/);
    const xml = await readFile((await download.path())!, 'utf8');
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain('<testsuite');
    expect(xml).toContain('Quick check');
  });
});
