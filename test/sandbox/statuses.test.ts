import assert from 'node:assert/strict';
import { call, REPO, useSandbox, type Json } from './support';

const READER = 'sandbox-token-reader';

describe('sandbox: pull requests and commit statuses', () => {
  const sandbox = useSandbox();
  const SHA = 'a'.repeat(40);

  it('lists open pull requests with head sha, base ref and body, filtered by base and paginated', async () => {
    sandbox().store.createPullDirect(REPO, { title: 'Fix checkout', body: 'Fixes incident #3', headSha: SHA });
    sandbox().store.createPullDirect(REPO, { title: 'Release', headSha: 'b'.repeat(40), baseRef: 'release' });
    const closed = sandbox().store.createPullDirect(REPO, { title: 'Old', headSha: 'c'.repeat(40) });
    sandbox().store.updateIssue(sandbox().store.ensureRepo(REPO), closed, { state: 'closed' });
    sandbox().store.createIssueDirect(REPO, { title: 'An issue, not a pull request' });
    const open = await call<Json[]>(sandbox(), 'GET', `/repos/${REPO}/pulls?state=open&per_page=100`);
    assert.equal(open.status, 200);
    assert.deepEqual(
      open.body.map((p) => [p['title'], (p['head'] as Json)['sha'], (p['base'] as Json)['ref']]),
      [
        ['Release', 'b'.repeat(40), 'release'],
        ['Fix checkout', SHA, 'main'],
      ],
    );
    assert.equal(open.body[1]?.['body'], 'Fixes incident #3');
    const main = await call<Json[]>(sandbox(), 'GET', `/repos/${REPO}/pulls?base=main`);
    assert.deepEqual(
      main.body.map((p) => p['title']),
      ['Fix checkout'],
    );
    const page = await call<Json[]>(sandbox(), 'GET', `/repos/${REPO}/pulls?per_page=1`);
    assert.equal(page.body.length, 1);
    assert.match(page.headers.get('link') ?? '', /rel="next"/);
  });

  it('creates statuses, lists them newest first and combines the latest of each context', async () => {
    const post = (state: string, context: string, description?: string) =>
      call<Json>(sandbox(), 'POST', `/repos/${REPO}/statuses/${SHA}`, {
        body: { state, context, ...(description ? { description } : {}) },
      });
    assert.equal((await post('failure', 'firebreak/freeze', 'Frozen by #3')).status, 201);
    assert.equal((await post('success', 'ci/build')).status, 201);
    const latest = await post('success', 'firebreak/freeze', 'Not frozen');
    assert.equal(latest.body['state'], 'success');
    assert.equal((latest.body['creator'] as Json)['login'], 'firebreak-dev');
    const list = await call<Json[]>(sandbox(), 'GET', `/repos/${REPO}/commits/${SHA}/statuses`);
    assert.deepEqual(
      list.body.map((s) => `${String(s['context'])}=${String(s['state'])}`),
      ['firebreak/freeze=success', 'ci/build=success', 'firebreak/freeze=failure'],
    );
    sandbox().store.setBranchDirect(REPO, 'main', SHA);
    const combined = await call<Json>(sandbox(), 'GET', `/repos/${REPO}/commits/main/status`);
    assert.equal(combined.status, 200);
    assert.equal(combined.body['sha'], SHA);
    assert.equal(combined.body['state'], 'success');
    assert.equal(combined.body['total_count'], 2);
    assert.equal((await call(sandbox(), 'GET', `/repos/${REPO}/commits/nowhere/status`)).status, 404);
  });

  it('refuses bad states and shas with 422, and readers with 403', async () => {
    const bad = await call(sandbox(), 'POST', `/repos/${REPO}/statuses/${SHA}`, { body: { state: 'green' } });
    assert.equal(bad.status, 422);
    sandbox().violations.splice(0); // the OpenAPI check reports the invalid enum, as intended
    const noSha = await call(sandbox(), 'POST', `/repos/${REPO}/statuses/main`, { body: { state: 'success' } });
    assert.equal(noSha.status, 422);
    sandbox().store.addUser({ login: 'reader', token: READER, permission: 'read' });
    const reader = await call(sandbox(), 'POST', `/repos/${REPO}/statuses/${SHA}`, {
      token: READER,
      body: { state: 'success' },
    });
    assert.equal(reader.status, 403);
  });
});
