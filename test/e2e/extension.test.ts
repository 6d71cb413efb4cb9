/**
 * Firebreak in a real VS Code (code-server), installed from the packaged .vsix and driven like a person: sign in
 * with a token, declare from F1, log a theory on selected lines, and see the tree and the status bar. GitHub is a
 * sandbox running in this test process; the workspace is a git repository whose commit is "pushed".
 * Setup once: bash scripts/e2e-setup.sh. Run: npx mocha --config .mocharc.e2e.json test/e2e/extension.test.ts
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readMarker } from '../../core/domain/event-log';
import { createCommitDirect, createDeploymentDirect } from '../../sandbox/changes';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { packageExtension, startSession, type Session } from './support/session';
import { waitFor } from './support/tools';
import { captureOnFailure } from './support/workbench';

const ROOT = resolve(__dirname, '..', '..');
const SLUG = 'acme/shop';
const CHECKOUT = [
  "import { LIMIT, pay, sum, type Cart, type Receipt } from './payments';",
  'export function checkout(cart: Cart): Receipt {',
  '  const total = sum(cart.items);',
  '  if (total > LIMIT) {',
  '    throw new Error(`cart over the limit: ${total}`);',
  '  }',
  '  return pay(cart.customer, total);',
  '}',
  '',
].join('\n');
const PAYMENTS = [
  'export interface Cart { customer: string; items: number[] }',
  'export interface Receipt { customer: string; total: number }',
  'export const LIMIT = 10_000;',
  'export const sum = (items: number[]): number => items.reduce((a, b) => a + b, 0);',
  'export const pay = (customer: string, total: number): Receipt => ({ customer, total });',
  '',
].join('\n');

describe('Firebreak in VS Code (code-server)', function () {
  let sandbox: Sandbox;
  let s: Session;
  let head: string;

  before(async function () {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--only', 'extension'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    const vsix = packageExtension(ROOT, join(ROOT, 'test-results', 'e2e-extension', 'firebreak.vsix'));
    sandbox = await startSandbox();
    s = await startSession({
      vsix,
      files: {
        '.github/incidents.yml': 'repository: acme/shop\n',
        'src/checkout.ts': CHECKOUT,
        'src/payments.ts': PAYMENTS,
      },
      gitRemote: 'https://github.com/acme/shop.git',
      settings: { 'firebreak.apiUrl': sandbox.url, 'firebreak.pollIntervalSeconds': 15 },
    });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: s.workspace, encoding: 'utf8' }).trim();
    head = git('rev-parse', 'HEAD');
    // A remote-tracking branch that contains HEAD: the commit counts as pushed, so permalinks resolve.
    git('update-ref', 'refs/remotes/origin/main', head);
  });

  afterEach(async function () {
    await captureOnFailure(this, { workbench: s?.wb, server: s?.server });
  });

  after(async function () {
    await s?.dispose();
    await sandbox?.close();
  });

  /** The extension host's log (on this machine): which extensions activated, and why. */
  const extensionHostLog = (): string => {
    const logs = join(s.userDataDir, 'logs');
    if (!existsSync(logs)) return '';
    return readdirSync(logs)
      .map((session) => join(logs, session, 'exthost1', 'remoteexthost.log'))
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
  };

  const issues = () => sandbox.store.issues(SLUG);
  const comments = (n: number) => sandbox.store.comments(SLUG, n);

  it('activates on a workspace with .github/incidents.yml and sends no request before the person acts', async function () {
    await waitFor(
      'Firebreak to activate',
      () => extensionHostLog().includes('_doActivateExtension firebreak.firebreak'),
      { timeoutMs: 60_000 },
    );
    assert.match(
      extensionHostLog(),
      /firebreak\.firebreak, startup: true, activationEvent: 'workspaceContains:\.github\/incidents\.yml'/,
    );
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(sandbox.requests, []);
  });

  it('signs in with a token when no VS Code auth provider serves the API URL', async function () {
    const { wb } = s;
    await wb.runCommand('Firebreak: Sign In');
    await wb.typeIntoInput('sandbox-token', { prompt: /Paste a token/ });
    await wb.waitForNotification(/Signed in to GitHub as @firebreak-dev/);
  });

  it('declares an incident from the command palette in three numbered steps', async function () {
    const { wb } = s;
    await wb.runCommand('Firebreak: Declare Incident');
    await assert.rejects(wb.typeIntoInput('   ', { prompt: /Declare incident \(1\/3\)/ }), /title cannot be empty/);
    await wb.typeIntoInput('Checkout returns 500s', { prompt: /Declare incident \(1\/3\)/ });
    await wb.pickItem('major', { prompt: /Declare incident \(2\/3\)/ });
    await wb.typeIntoInput('Payments fail for about 20% of customers since 10:02 UTC', {
      prompt: /Declare incident \(3\/3\)/,
    });
    await wb.waitForNotification(/Incident #1 declared \(major\): Checkout returns 500s/);

    const [issue] = issues();
    assert.ok(issue, 'the issue exists in the sandbox');
    assert.equal(issue.title, 'Checkout returns 500s');
    const repo = sandbox.store.repo(SLUG);
    assert.ok(repo);
    assert.deepEqual(
      sandbox.store
        .issueLabels(repo, issue)
        .map((l) => l.name)
        .slice(0, 3),
      ['incident', 'severity:major', 'status:declared'],
    );
    assert.deepEqual(issue.assignees, ['firebreak-dev']);
  });

  it('logs a theory on the selected lines with a permalink to them at the pushed commit', async function () {
    const { wb } = s;
    await wb.openFile('src/checkout.ts');
    await wb.selectLines(4, 6);
    await wb.runCommand('Firebreak: Log Entry');
    await wb.pickItem('theory', { prompt: /Log entry on #1 \(1\/2\)/ });
    await wb.typeIntoInput('The limit check throws for large carts', { prompt: /Log entry on #1 \(2\/2\)/ });
    await wb.waitForNotification(/Logged theory on #1 with a link to src\/checkout\.ts#L4/);

    const comment = await waitFor('the comment in the sandbox', () => comments(1)[0]);
    const permalink = `${sandbox.webUrl}/acme/shop/blob/${head}/src/checkout.ts#L4-L6`;
    assert.ok(comment.body.includes(`](${permalink})`), `the comment links to the lines:\n${comment.body}`);
    assert.ok(
      comment.body.includes('throw new Error(`cart over the limit: ${total}`);'),
      'the snippet is in the comment',
    );
    assert.equal(readMarker(comment.body, 'entry')?.['kind'], 'theory');
    const warnings = (await wb.notifications()).filter((n) => /not on any remote branch/.test(n.message));
    assert.deepEqual(warnings, [], 'the commit is pushed: no warning');
  });

  it('shows the incident in the tree and in the status bar, and takes the README screenshot', async function () {
    const { wb } = s;
    await wb.openView('Incidents');
    await wb.waitForTreeItem('Incidents', 'Checkout returns 500s');
    await wb.waitForTreeItem('Incidents', 'The limit check throws for large carts', { timeoutMs: 45_000 });
    const labels = await wb.treeItems('Incidents');
    assert.ok(
      labels.includes('Roster') && labels.includes('Timeline') && labels.includes('src/checkout.ts:4-6'),
      JSON.stringify(labels),
    );
    const status = await wb.statusBarText(/#1 major/);
    assert.match(status, /#1 major · \d+[sm] · update in \d+m/);
    const lens = wb.page.locator('.monaco-editor .codelens-decoration', { hasText: '1 incident entry (#1)' });
    await waitFor('the CodeLens on the logged lines', async () => (await lens.count()) > 0, { timeoutMs: 30_000 });

    // Wider side bar and the code in view, for the README.
    await wb.page.keyboard.press('Escape');
    const sidebar = await wb.page.locator('[id="workbench.parts.sidebar"]').boundingBox();
    if (sidebar) {
      const edge = sidebar.x + sidebar.width;
      await wb.page.mouse.move(edge, 400);
      await wb.page.mouse.down();
      await wb.page.mouse.move(edge + 170, 400, { steps: 5 });
      await wb.page.mouse.up();
    }
    await wb.clickTreeItem('Incidents', 'src/checkout.ts:4-6');
    await wb.page.mouse.move(900, 600);
    await waitFor(
      'the code link to select the lines',
      async () => /^Ln 6, Col \d+ \(\d+ selected\)$/.test(await wb.selectionStatus()),
      { timeoutMs: 10_000 },
    );
    await wb.screenshot(join(ROOT, 'docs', 'images', 'tree-and-status-bar.png'));
  });

  it('shows "What changed" under the current incident: the deployed changes with their pull requests', async function () {
    const { wb } = s;
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
    const good = createCommitDirect(sandbox.store, SLUG, { message: 'Start', files: ['README.md'], date: hoursAgo(5) });
    createCommitDirect(sandbox.store, SLUG, {
      message: 'Raise the cart limit',
      files: ['src/payments.ts'],
      date: hoursAgo(4),
      pull: { title: 'Raise the cart limit' },
    });
    const deployed = createCommitDirect(sandbox.store, SLUG, {
      message: 'Tidy',
      files: ['docs/a.md'],
      date: hoursAgo(3),
    });
    for (const [sha, hours] of [
      [good.sha, 2],
      [deployed.sha, 1],
    ] as const)
      createDeploymentDirect(sandbox.store, SLUG, {
        sha,
        environment: 'production',
        states: ['success'],
        createdAt: hoursAgo(hours),
      });
    await wb.openView('Incidents');
    await wb.clickTreeItem('Incidents', 'What changed', { timeoutMs: 30_000 });
    await wb.waitForTreeItem('Incidents', '1. Tidy', { timeoutMs: 45_000 });
    await wb.waitForTreeItem('Incidents', '2. Raise the cart limit');
  });

  it('keeps an entry typed while GitHub is down, shows it as waiting, and delivers it once GitHub answers', async function () {
    const { wb } = s;
    sandbox.setDown(true);
    await wb.runCommand('Firebreak: Log Entry');
    await wb.pickItem('action', { prompt: /Log entry on #1 \(1\/2\)/ });
    await wb.typeIntoInput('Rolled back to v41', { prompt: /Log entry on #1 \(2\/2\)/ });
    await wb.waitForNotification(/the action is saved and will be posted to #1 when it answers/, { timeoutMs: 60_000 });
    await wb.waitForTreeItem('Incidents', 'Rolled back to v41');
    assert.equal(comments(1).length, 1, 'nothing reached GitHub yet');

    sandbox.setDown(false);
    await wb.runCommand('Firebreak: Refresh');
    await waitFor('the queued entry on GitHub', () => comments(1).length === 2, { timeoutMs: 60_000 }).catch(
      (error: unknown) => {
        console.log(
          sandbox.requests
            .slice(-15)
            .map((r) => `${r.method} ${r.path} ${r.status}`)
            .join('\n'),
        );
        throw error;
      },
    );
    assert.equal(readMarker(comments(1)[1]?.body ?? '', 'entry')?.['text'], 'Rolled back to v41');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(comments(1).length, 2, 'delivered exactly once');
  });
  it('shows the resolved incident as history on the lines its entry referenced', async function () {
    const { wb } = s;
    await wb.runCommand('Firebreak: Resolve Incident');
    await wb.typeIntoInput('Raised the limit check for large carts', { prompt: /Final update/ });
    await wb.waitForNotification(/Resolved #1 and closed the issue/);
    await wb.openFile('src/checkout.ts');
    const lens = wb.page.locator('.monaco-editor .codelens-decoration', { hasText: '1 past incident (#1)' });
    await waitFor('the history CodeLens on the referenced lines', async () => (await lens.count()) > 0, {
      timeoutMs: 90_000,
    });
    const active = wb.page.locator('.monaco-editor .codelens-decoration', { hasText: '1 incident entry (#1)' });
    assert.equal(await active.count(), 0, 'a resolved incident is history, not an active entry');
    assert.ok(
      sandbox.store.issueLabels(sandbox.store.repo(SLUG)!, issues()[0]!).some((l) => l.name === 'incident:code'),
      'the incident carries the code label',
    );
  });
});
