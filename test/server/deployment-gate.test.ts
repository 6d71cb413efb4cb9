// The GitHub App deployment gate over HTTP: signed `deployment_protection_rule` and `issues` deliveries to a started
// `firebreak serve`, answered against the sandbox's waiting workflow runs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { defaultConfig, parseConfig, type FirebreakConfig } from '../../core/domain/config';
import type { Sandbox } from '../../sandbox/server';
import { startAlertServer, type AlertServer } from '../../server/app';
import { credentialsFrom } from '../../server/credentials';
import { ADMIN_TOKEN, FAST_CLIENT, REPO, REPO_SLUG, useSandbox, wired } from '../support/fixtures';
import { serveProcess } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

const ROOT = join(__dirname, '..', '..');
const WEBHOOK_SECRET = 'webhook-secret-0123456789';
const PRIVATE = 'acme/shop-private';

async function gateServer(
  sandbox: Sandbox,
  options: { config?: FirebreakConfig; secret?: string | null } = {},
): Promise<AlertServer & { lines: string[] }> {
  const lines: string[] = [];
  const config = options.config ?? defaultConfig();
  const server = await startAlertServer({
    workspace: {
      config,
      repository: REPO,
      ...(config.privateRepository ? { privateRepository: config.privateRepository } : {}),
      apiUrl: sandbox.url,
      webUrl: sandbox.webUrl,
    },
    credentials: await credentialsFrom({ GITHUB_TOKEN: ADMIN_TOKEN }, sandbox.url, REPO),
    secrets: {},
    ...(options.secret === null ? {} : { webhookSecret: options.secret ?? WEBHOOK_SECRET }),
    port: 0,
    log: (line) => lines.push(line),
    client: FAST_CLIENT,
  });
  return Object.assign(server, { lines });
}

function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function deliver(
  url: string,
  event: string,
  payload: unknown,
  signature?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${url}/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-hub-signature-256': signature ?? sign(body),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A run waiting for `environment`'s custom rule, and the delivery GitHub sends for it. */
function waitingRun(sandbox: Sandbox, environment = 'production') {
  const run = sandbox.store.createWorkflowRunDirect(REPO_SLUG, { pending: [{ environment }] });
  const payload = {
    action: 'requested',
    environment,
    event: 'push',
    deployment_callback_url: `${sandbox.url}/repos/${REPO_SLUG}/actions/runs/${run.id}/deployment_protection_rule`,
    deployment: { id: run.id + 5, environment, sha: run.head_sha, ref: 'main', task: 'deploy' },
    repository: { id: 1, name: REPO.name, full_name: REPO_SLUG, owner: { login: REPO.owner } },
    installation: { id: 42, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=' },
    sender: { login: 'octo-dev' },
  };
  return { run, payload };
}

const issuesEvent = (action: string, number: number, repo = REPO_SLUG) => ({
  action,
  issue: { number },
  repository: { full_name: repo },
});

describe('firebreak serve: deployments held by a GitHub App', () => {
  const sandbox = useSandbox({ per: 'test' });
  let server: (AlertServer & { lines: string[] }) | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('approves a deployment when no incident freezes', async () => {
    server = await gateServer(sandbox());
    const { run, payload } = waitingRun(sandbox());
    const before = sandbox().requests.length;
    const res = await deliver(server.url, 'deployment_protection_rule', payload);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body['result'], 'approved');
    assert.deepEqual(
      sandbox()
        .requests.slice(before)
        .map((r) => `${r.method} ${r.path.replace(/\d{5,}/, 'N')}`),
      ['GET /repos/acme/shop/issues', 'POST /repos/acme/shop/actions/runs/N/deployment_protection_rule'],
      'one incident list, one answer',
    );
    assert.equal(run.pending[0]?.state, 'approved');
    assert.equal(run.status, 'in_progress');
    assert.match(run.pending[0]?.comment ?? '', /no active incident freezes production/);
  });

  it('rejects while frozen, naming the incident; a redelivery is answered once', async () => {
    const incident = await new DeclareIncident(wired(sandbox()).service).run({
      title: 'Checkout down',
      severity: 'critical',
    });
    server = await gateServer(sandbox());
    const { run, payload } = waitingRun(sandbox());
    const res = await deliver(server.url, 'deployment_protection_rule', payload);
    assert.equal(res.body['result'], 'rejected');
    assert.equal(run.conclusion, 'failure');
    assert.match(
      run.pending[0]?.comment ?? '',
      new RegExp(`frozen by an active incident: #${incident.number} \\(critical`),
    );
    const again = await deliver(server.url, 'deployment_protection_rule', payload);
    assert.equal(again.status, 200);
    assert.equal(again.body['result'], 'already-answered');
  });

  it('a private incident freezes, named only by its severity', async () => {
    sandbox().store.ensureRepo(PRIVATE, { private: true });
    for (let i = 0; i < 30; i++) sandbox().store.createIssueDirect(PRIVATE, { title: `filler ${i}`, state: 'closed' });
    const config = parseConfig(`private-repository: ${PRIVATE}\n`);
    const secret = await new DeclareIncident(wired(sandbox(), { config }).serviceAs({ actor: 'octo-comms' })).run({
      title: 'Globex card numbers exposed',
      severity: 'major',
      private: true,
      lead: 'octo-scribe',
    });
    server = await gateServer(sandbox(), { config });
    const { run, payload } = waitingRun(sandbox());
    const res = await deliver(server.url, 'deployment_protection_rule', payload);
    assert.equal(res.body['result'], 'rejected');
    const comment = run.pending[0]?.comment ?? '';
    assert.match(comment, /a private incident \(severity major, declared \d\d:\d\d UTC\)/);
    const everything = [comment, JSON.stringify(res.body), ...server.lines].join('\n');
    for (const leak of ['Globex', 'card numbers', 'octo-scribe', 'octo-comms', secret.url, `#${secret.number}`])
      assert.ok(!everything.includes(leak), `"${leak}" leaked:\n${everything}`);
  });

  it('only the services of the environment freeze it (environments: in the config)', async () => {
    const config = parseConfig(
      'services:\n  api: { paths: ["api/**"] }\n  web: { paths: ["web/**"] }\nenvironments:\n  production: [web]\n',
    );
    await new DeclareIncident(wired(sandbox(), { config }).service).run({
      title: 'API down',
      severity: 'critical',
      services: ['api'],
    });
    server = await gateServer(sandbox(), { config });
    const production = await deliver(server.url, 'deployment_protection_rule', waitingRun(sandbox()).payload);
    assert.equal(production.body['result'], 'approved');
    const staging = await deliver(server.url, 'deployment_protection_rule', waitingRun(sandbox(), 'staging').payload);
    assert.equal(staging.body['result'], 'rejected', 'an environment not listed is frozen by every incident');
  });

  it('hold: no answer while frozen, approved when the last freezing incident is resolved; reruns are safe', async () => {
    const config = parseConfig('deployments:\n  while-frozen: hold\n');
    const w = wired(sandbox(), { config });
    const first = await new DeclareIncident(w.service).run({ title: 'Checkout down', severity: 'critical' });
    const second = await new DeclareIncident(w.service).run({ title: 'Payments slow', severity: 'major' });
    server = await gateServer(sandbox(), { config });
    const { run, payload } = waitingRun(sandbox());
    const other = sandbox().store.createWorkflowRunDirect(REPO_SLUG, {
      pending: [{ environment: 'qa', customRule: false }],
    });
    const before = sandbox().requests.length;
    const res = await deliver(server.url, 'deployment_protection_rule', payload);
    assert.equal(res.body['result'], 'held');
    assert.deepEqual(
      sandbox()
        .requests.slice(before)
        .filter((r) => r.method !== 'GET'),
      [],
      'a held deployment gets no answer',
    );
    assert.equal(run.status, 'waiting');

    await new ResolveIncident(w.service).run(first.number);
    const stillFrozen = await deliver(server.url, 'issues', issuesEvent('closed', first.number));
    assert.equal(stillFrozen.status, 200);
    assert.deepEqual(stillFrozen.body['approved'], []);
    assert.equal(run.status, 'waiting', 'another incident still freezes');

    await new ResolveIncident(w.service).run(second.number);
    const released = await deliver(server.url, 'issues', issuesEvent('closed', second.number));
    assert.deepEqual(released.body['approved'], [{ repo: REPO_SLUG, runId: run.id, environment: 'production' }]);
    assert.equal(run.status, 'in_progress');
    assert.equal(run.pending[0]?.state, 'approved');
    assert.equal(other.status, 'waiting', 'a deployment waiting for reviewers is not ours to approve');

    const rerun = await deliver(server.url, 'issues', issuesEvent('closed', second.number));
    assert.equal(rerun.status, 200);
    assert.deepEqual(rerun.body['approved'], []);
  });

  it('hold in a repository the release does not watch: rejected, saying why', async () => {
    const config = parseConfig('deployments:\n  while-frozen: hold\n  repositories: [acme/web]\n');
    await new DeclareIncident(wired(sandbox(), { config }).service).run({
      title: 'Checkout down',
      severity: 'critical',
    });
    server = await gateServer(sandbox(), { config });
    const { run, payload } = waitingRun(sandbox());
    const res = await deliver(server.url, 'deployment_protection_rule', payload);
    assert.equal(res.body['result'], 'rejected');
    assert.match(run.pending[0]?.comment ?? '', /Not held: acme\/shop is not in deployments\.repositories/);
  });

  it('ignores issue changes of other repositories and events it does not handle', async () => {
    server = await gateServer(sandbox());
    waitingRun(sandbox());
    const before = sandbox().requests.length;
    const elsewhere = await deliver(server.url, 'issues', issuesEvent('closed', 1, 'acme/other'));
    assert.equal(elsewhere.status, 202);
    const opened = await deliver(server.url, 'issues', issuesEvent('opened', 1));
    assert.equal(opened.status, 202);
    const ping = await deliver(server.url, 'ping', { zen: 'Keep it logically awesome.' });
    assert.equal(ping.status, 202);
    assert.equal(sandbox().requests.length, before);
  });

  it('a bad or missing signature is refused (401) and nothing reaches GitHub', async () => {
    server = await gateServer(sandbox());
    const { run, payload } = waitingRun(sandbox());
    const before = sandbox().requests.length;
    const wrong = await deliver(server.url, 'deployment_protection_rule', payload, sign(JSON.stringify(payload), 'x'));
    assert.equal(wrong.status, 401);
    const missing = await deliver(server.url, 'deployment_protection_rule', payload, '');
    assert.equal(missing.status, 401);
    assert.equal(sandbox().requests.length, before);
    assert.equal(run.status, 'waiting');
    assert.ok(!server.lines.join('\n').includes(WEBHOOK_SECRET));
  });

  it('without FIREBREAK_WEBHOOK_SECRET the route does not exist', async () => {
    server = await gateServer(sandbox(), { secret: null });
    const { payload } = waitingRun(sandbox());
    const res = await deliver(server.url, 'deployment_protection_rule', payload);
    assert.equal(res.status, 404);
    assert.equal(server.webhooks, undefined);
  });

  it('the built CLI serves the webhook with only FIREBREAK_WEBHOOK_SECRET set', async function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'cli'], { cwd: ROOT });
    const { url, child } = await serveProcess(sandbox().url, { FIREBREAK_WEBHOOK_SECRET: WEBHOOK_SECRET });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const { run, payload } = waitingRun(sandbox());
      const res = await deliver(url, 'deployment_protection_rule', payload);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(run.pending[0]?.state, 'approved');
      assert.equal((await fetch(`${url}/alerts/generic`, { method: 'POST', body: '{}' })).status, 404);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
