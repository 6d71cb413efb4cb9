/**
 * The status page as customers see it: built from sandbox incidents by the same code the Action runs, served by a
 * local static server, loaded in Debian's chromium (playwright-core), checked for its status, components and
 * updates, for console errors and with axe-core, in light and dark schemes, with and without JavaScript. Saves the
 * screenshot the README shows (docs/images/status-page.png). Needs chromium only, not code-server.
 * Run: npx mocha --config .mocharc.e2e.json test/e2e/status-page.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseConfig } from '../../core/domain/config';
import { publishStatusPage } from '../../core/status-site';
import { scheduleMaintenance } from '../../core/use-cases/status-page';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { wired } from '../support/fixtures';
import { chromiumPath } from './support/tools';
import { CHROMIUM_ARGS } from './support/workbench';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { PostUpdate } from '../../core/use-cases/post-update';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

const ROOT = join(__dirname, '..', '..');
const DAY = 86_400_000;
const CONFIG = `services:
  checkout: { paths: ["src/checkout/**"], public: true, display-name: Checkout }
  api: { paths: ["src/api/**"], public: true, display-name: Public API }
  dashboard: { paths: ["src/dashboard/**"], public: true, display-name: Dashboard }
  search: { paths: ["src/search/**"], public: true, display-name: Search }
status-page:
  title: Acme Status
  color: "#7b2ff7"
`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.atom': 'application/atom+xml',
  '.svg': 'image/svg+xml',
};

/** A static file server, as GitHub Pages serves the artifact. */
function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

async function axe(page: Page): Promise<AxeResult['violations']> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run;
    const { violations } = await run();
    return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target) }));
  });
  return (result as unknown as AxeResult['violations']).filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
}

describe('status page in a browser', function () {
  let sandbox: Sandbox;
  let server: Server;
  let browser: Browser;
  let site: string;
  let base: string;
  const consoleErrors: string[] = [];

  before(async function () {
    let clock = Date.now() - 60 * DAY;
    const now = () => new Date(clock);
    sandbox = await startSandbox({ now });
    const config = parseConfig(CONFIG);
    const w = wired(sandbox, { config, now });
    const service = w.serviceAs({ now });
    // History: two incidents weeks ago, resolved.
    const old = await new DeclareIncident(service).run({
      title: 'Card payments declined',
      severity: 'major',
      services: ['checkout'],
    });
    await new PostUpdate(service).run(old.number, {
      text: 'Some card payments are declined. We are investigating.',
      public: true,
    });
    clock += 3 * 3_600_000;
    await new ResolveIncident(service).run(old.number, 'Payments work again.', { public: true });
    clock = Date.now() - 20 * DAY;
    const slow = await new DeclareIncident(service).run({
      title: 'Slow search',
      severity: 'minor',
      services: ['search'],
    });
    await new PostUpdate(service).run(slow.number, { text: 'Search results take longer than usual.', public: true });
    clock += 5 * 3_600_000;
    await new ResolveIncident(service).run(slow.number);
    // Active now.
    clock = Date.now() - 50 * 60_000;
    const outage = await new DeclareIncident(service).run({
      title: 'api 502s from the eu-west pool after deploy 8841',
      publicTitle: 'Elevated API error rates',
      severity: 'major',
      services: ['api'],
    });
    await new PostUpdate(service).run(outage.number, {
      text: 'Some API requests fail with errors. We are investigating.',
      status: 'investigating',
      public: true,
    });
    clock += 25 * 60_000;
    await new PostUpdate(service).run(outage.number, {
      text: 'We have identified the cause and are rolling back a change. Requests may still fail intermittently.',
      status: 'identified',
      public: true,
    });
    clock = Date.now();
    await scheduleMaintenance(w, {
      title: 'Dashboard database upgrade',
      start: new Date(Date.now() + 3 * DAY).toISOString(),
      end: new Date(Date.now() + 3 * DAY + 2 * 3_600_000).toISOString(),
      services: ['dashboard'],
      description: 'The dashboard will be read-only for up to two hours.',
    });
    const root = mkdtempSync(join(tmpdir(), 'firebreak-status-e2e-'));
    site = join(root, 'site');
    const result = await publishStatusPage(w.connection, { root, outDir: 'site', now: () => new Date() });
    assert.equal(result.indicator, 'major');
    server = await serve(site);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  });

  after(async function () {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await sandbox?.close();
    if (site) rmSync(join(site, '..'), { recursive: true, force: true });
  });

  async function open(path: string, options: { dark?: boolean; width?: number; js?: boolean } = {}) {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1100, height: 900 },
      colorScheme: options.dark ? 'dark' : 'light',
      javaScriptEnabled: options.js ?? true,
    });
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${path}: ${m.text()}`));
    page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
    const response = await page.goto(base + path);
    assert.equal(response?.status(), 200, path);
    return { page, close: () => context.close() };
  }

  it('shows the overall status, components and public updates, without JavaScript', async function () {
    const { page, close } = await open('index.html', { js: false });
    assert.equal((await page.locator('.banner').innerText()).trim(), 'Partial outage');
    const rows = await page.locator('.components > li .row').allInnerTexts();
    assert.deepEqual(
      rows.map((r) => r.replace(/\s+/g, ' ').trim()),
      ['Checkout Operational', 'Public API Partial outage', 'Dashboard Operational', 'Search Operational'],
    );
    const active = page.locator('article', { hasText: 'Elevated API error rates' });
    assert.match(await active.innerText(), /Identified · .* UTC\s+We have identified the cause/);
    assert.match(await page.locator('#maintenance-heading + article').innerText(), /Dashboard database upgrade/);
    assert.equal(await page.locator('.bars').first().locator('li').count(), 90);
    assert.doesNotMatch(await page.content(), /eu-west|8841/);
    await close();
  });

  it('links every published incident to its own page and the history', async function () {
    const { page, close } = await open('history.html');
    const links = await page.locator('main li a').allInnerTexts();
    assert.deepEqual(links, ['Elevated API error rates', 'Slow search', 'Card payments declined']);
    await page.locator('main li a', { hasText: 'Slow search' }).click();
    await page.waitForURL(/incidents\/[a-z0-9]+\.html$/);
    assert.match(await page.locator('main').innerText(), /Resolved\s*·.*\n*\s*This incident has been resolved\./);
    await close();
  });

  it('passes axe-core with no serious or critical violation, light and dark, and fits a phone', async function () {
    for (const path of ['index.html', 'history.html']) {
      for (const dark of [false, true]) {
        const { page, close } = await open(path, { dark });
        assert.deepEqual(await axe(page), [], `${path} (${dark ? 'dark' : 'light'})`);
        await close();
      }
    }
    const incident = await open('history.html');
    const href = await incident.page.locator('main li a').first().getAttribute('href');
    await incident.close();
    const { page, close } = await open(href ?? '');
    assert.deepEqual(await axe(page), [], href ?? '');
    await close();
    const phone = await open('index.html', { width: 375 });
    assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await phone.close();
  });

  it('logs no console errors, and saves the screenshot the README shows', async function () {
    const { page, close } = await open('index.html', { width: 1000 });
    mkdirSync(join(ROOT, 'docs', 'images'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs', 'images', 'status-page.png'), fullPage: true });
    await close();
    assert.deepEqual(consoleErrors, []);
  });
});
