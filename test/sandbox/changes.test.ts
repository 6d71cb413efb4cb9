import assert from 'node:assert/strict';
import { createCommitDirect, dispatchesOf } from '../../sandbox/changes';
import { takeOpenApiViolations } from '../support/openapi-violations';
import { call, REPO, useSandbox, type Json } from './support';

describe('sandbox: deployments, commits, pull requests and workflow dispatch', () => {
  const sandbox = useSandbox();
  const base = `/repos/${REPO}`;

  it('creates deployments and statuses over HTTP and lists them newest first, filtered by environment', async () => {
    const s = sandbox();
    const commit = createCommitDirect(s.store, REPO, { message: 'One', files: ['a.ts'] });
    const made = await call<Json>(s, 'POST', `${base}/deployments`, {
      body: { ref: 'main', environment: 'production', required_contexts: [] },
    });
    assert.equal(made.status, 201);
    assert.equal(made.body.sha, commit.sha);
    await call(s, 'POST', `${base}/deployments`, { body: { ref: commit.sha, environment: 'staging' } });
    const id = String(made.body.id);
    await call(s, 'POST', `${base}/deployments/${id}/statuses`, { body: { state: 'in_progress' } });
    await call(s, 'POST', `${base}/deployments/${id}/statuses`, {
      body: { state: 'success', log_url: 'https://ci.example.com/1', environment_url: 'https://shop.example.com' },
    });
    const listed = await call<Json[]>(s, 'GET', `${base}/deployments?environment=production`);
    assert.deepEqual(
      listed.body.map((d) => d.id),
      [made.body.id],
    );
    const statuses = await call<Json[]>(s, 'GET', `${base}/deployments/${id}/statuses?per_page=1`);
    assert.deepEqual(
      statuses.body.map((st) => st.state),
      ['success'],
    );
    const bad = await call(s, 'POST', `${base}/deployments/${id}/statuses`, { body: { state: 'done' } });
    assert.equal(bad.status, 422);
    assert.match(takeOpenApiViolations(s).join('\n'), /state must be equal to one of the allowed values/);
    assert.equal((await call(s, 'GET', `${base}/deployments/999/statuses`)).status, 404);
  });

  it('compares two commits with their files, reads one commit and its pull requests', async () => {
    const s = sandbox();
    const from = createCommitDirect(s.store, REPO, { message: 'Two', files: ['b.ts'] });
    const mid = createCommitDirect(s.store, REPO, { message: 'Three', files: ['c.ts'], pull: { title: 'Three' } });
    const to = createCommitDirect(s.store, REPO, { message: 'Four', files: ['c.ts', 'd.ts'] });
    const compared = await call<Json>(s, 'GET', `${base}/compare/${from.sha}...${to.sha}`);
    assert.equal(compared.body.status, 'ahead');
    assert.deepEqual(
      (compared.body.commits as Json[]).map((c) => c.sha),
      [mid.sha, to.sha],
    );
    assert.deepEqual((compared.body.files as Json[]).map((f) => f.filename).sort(), ['c.ts', 'd.ts']);
    const one = await call<Json>(s, 'GET', `${base}/commits/${to.sha}`);
    assert.deepEqual(
      (one.body.files as Json[]).map((f) => f.filename),
      ['c.ts', 'd.ts'],
    );
    const pulls = await call<Json[]>(s, 'GET', `${base}/commits/${mid.sha}/pulls`);
    assert.deepEqual(
      pulls.body.map((p) => p.title),
      ['Three'],
    );
    assert.equal((await call(s, 'GET', `${base}/compare/${'0'.repeat(40)}...${to.sha}`)).status, 404);
  });

  it('opens a pull request once per head branch, and records workflow dispatches', async () => {
    const s = sandbox();
    const body = { title: 'Revert "x"', head: 'firebreak/revert-abc1234', base: 'main', body: 'Mitigates incident #1' };
    const opened = await call<Json>(s, 'POST', `${base}/pulls`, { body });
    assert.equal(opened.status, 201);
    const again = await call<Json>(s, 'POST', `${base}/pulls`, { body });
    assert.equal(again.status, 422);
    assert.match(JSON.stringify(again.body), /A pull request already exists/);
    const found = await call<Json[]>(s, 'GET', `${base}/pulls?head=acme:firebreak/revert-abc1234&state=open`);
    assert.deepEqual(
      found.body.map((p) => p.number),
      [opened.body.number],
    );
    const plain = await call(s, 'POST', `${base}/actions/workflows/rollback.yml/dispatches`, {
      body: { ref: 'main', inputs: { ref: 'abc' } },
    });
    assert.equal(plain.status, 204);
    const detailed = await call<Json>(s, 'POST', `${base}/actions/workflows/rollback.yml/dispatches`, {
      body: { ref: 'main', inputs: { ref: 'def' }, return_run_details: true },
    });
    assert.equal(detailed.status, 200);
    assert.ok(detailed.body.workflow_run_id);
    assert.deepEqual(
      dispatchesOf(s.store, REPO).map((d) => d.inputs.ref),
      ['abc', 'def'],
    );
  });
});
