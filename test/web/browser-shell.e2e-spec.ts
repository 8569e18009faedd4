import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertWebBuilt, launchBrowser, seriousA11yViolations } from '../support/browser';
import { createFlow, noRetry } from '../support/flow-helpers';
import { API, PASSWORD } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The shell in a real browser against the real API and bundle: register → first team → sign out →
 * sign in → switch team → flows list → every section → sign out, with axe-core on each screen.
 */
describe('web shell in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = `ada-${Date.now()}@example.com`;

  beforeAll(async () => {
    assertWebBuilt();
    t = await startTestApp('browser-shell');
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  async function expectAccessible(screen: string): Promise<void> {
    expect({ screen, violations: await seriousA11yViolations(page) }).toEqual({ screen, violations: [] });
  }

  it('registers, creates a first team, and lands on its flows', async () => {
    await page.goto(`${t.url}/teams/whatever/flows`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/teams/whatever/flows');
    await expectAccessible('sign in');

    await page.getByRole('link', { name: 'Create one' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await expectAccessible('register');
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    await expectAccessible('get started');
    await page.getByLabel('Organisation name').fill('Acme');
    await page.getByLabel('Team name').fill('Payments');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    await page.getByText('No flows yet.').waitFor();
    expect(page.url()).toMatch(/\/teams\/[0-9a-f-]{36}\/flows$/);
    await expectAccessible('flows (empty)');
  });

  it('shows an API error as the API words it', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong email or password');
  });

  it('signs in, switches to another team and sees its flows, in every section', async () => {
    // A second team with a flow, made through the API as the same user.
    const login = await t.http.post(`${API}/auth/login`).send({ email, password: PASSWORD }).expect(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    const orgId = (await t.http.post(`${API}/orgs`).set(auth).send({ name: 'Globex' }).expect(201)).body.id;
    const teamId = (await t.http.post(`${API}/orgs/${orgId}/teams`).set(auth).send({ name: 'Shipping' }).expect(201)).body.id;
    const user = { id: '', email, accessToken: login.body.accessToken, refreshToken: login.body.refreshToken, auth };
    await createFlow(t, user, teamId, { name: 'Ship an order', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1 } })] });

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();

    await page.getByLabel('Team').selectOption({ label: 'Shipping (owner)' });
    await page.waitForURL(`**/teams/${teamId}/flows`);
    await page.getByRole('link', { name: 'Ship an order' }).waitFor();
    await expect(page.getByRole('row', { name: /Ship an order/ }).textContent()).resolves.toContain('never run');
    await expectAccessible('flows');

    await page.getByRole('searchbox').fill('nothing like it');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No flows match.').waitFor();

    for (const [link, heading] of [
      ['Executions', 'Executions'],
      ['Suites', 'Suites'],
      ['Resources', 'Resources'],
      ['Team', 'Team Shipping'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading }).waitFor();
      // Every loading notice gone (a section may load two lists at once: members and API keys).
      await page.waitForFunction(() => document.querySelectorAll('[role="status"]').length === 0);
      await expectAccessible(link);
    }
    await page.getByRole('cell', { name: email, exact: true }).waitFor();
  });

  it('signs out: the sign-in screen returns and a reload does not bring the session back', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.evaluate(() => Object.keys(sessionStorage))).resolves.toEqual([]);
  });
});
