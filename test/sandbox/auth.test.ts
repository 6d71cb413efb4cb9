import assert from 'node:assert/strict';
import { ACTIONS_TOKEN, call, REPO, useSandbox, WRITER_TOKEN, type Json } from './support';

describe('sandbox: authentication and permissions', () => {
  const sandbox = useSandbox();
  const base = `/repos/${REPO}`;

  it("an unknown token is a 401 Bad credentials with GitHub's error shape", async () => {
    const response = await call<Json>(sandbox(), 'GET', '/user', { token: 'ghp_wrong' });
    assert.equal(response.status, 401);
    assert.equal(response.body.message, 'Bad credentials');
    assert.equal(response.body.status, '401');
    assert.ok(response.body.documentation_url);
  });

  it('accepts both "token X" and "Bearer X" authorization', async () => {
    for (const scheme of ['token', 'Bearer']) {
      const response = await fetch(`${sandbox().url}/user`, { headers: { authorization: `${scheme} sandbox-token` } });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as Json).login, 'firebreak-dev');
    }
  });

  it('anonymous callers can read public repositories but every write is a 401 Requires authentication', async () => {
    sandbox().store.createIssueDirect(REPO, { title: 'public' });
    const read = await call<Json[]>(sandbox(), 'GET', `${base}/issues`, { token: null });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('x-ratelimit-limit'), '60');
    const write = await call<Json>(sandbox(), 'POST', `${base}/issues`, { token: null, body: { title: 'x' } });
    assert.equal(write.status, 401);
    assert.equal(write.body.message, 'Requires authentication');
    assert.equal((await call(sandbox(), 'GET', '/user', { token: null })).status, 401);
  });

  it('private repositories are a 404 for anonymous callers and users without access', async () => {
    sandbox().store.ensureRepo('acme/secret', { private: true });
    sandbox().store.addUser({ login: 'outsider', token: 'outsider-token', permission: 'none' });
    assert.equal((await call(sandbox(), 'GET', '/repos/acme/secret/issues', { token: null })).status, 404);
    assert.equal((await call(sandbox(), 'GET', '/repos/acme/secret/issues', { token: 'outsider-token' })).status, 404);
    assert.equal((await call(sandbox(), 'GET', '/repos/acme/secret/issues')).status, 200);
  });

  it('a read-only user can open issues and comment, but labels and assignees they pass are dropped silently', async () => {
    sandbox().store.addUser({ login: 'reader', token: 'reader-token', permission: 'read' });
    const issue = await call<Json>(sandbox(), 'POST', `${base}/issues`, {
      token: 'reader-token',
      body: { title: 'from a reader', labels: ['incident'], assignees: ['octo-lead'] },
    });
    assert.equal(issue.status, 201);
    assert.deepEqual(issue.body.labels, []);
    assert.deepEqual(issue.body.assignees, []);
    assert.equal(issue.body.author_association, 'NONE');
    assert.deepEqual(sandbox().store.labels(REPO), [], 'no label was auto-created either');
    const comment = await call<Json>(sandbox(), 'POST', `${base}/issues/1/comments`, {
      token: 'reader-token',
      body: { body: 'hi' },
    });
    assert.equal(comment.status, 201);
    assert.equal(comment.body.author_association, 'NONE');
  });

  it('on a new issue, labels and assignees need push access: a triager’s are dropped too (they may add them after)', async () => {
    sandbox().store.addUser({ login: 'triager', token: 'triage-token', permission: 'triage' });
    const issue = await call<Json>(sandbox(), 'POST', `${base}/issues`, {
      token: 'triage-token',
      body: { title: 'from a triager', labels: ['incident'], assignees: ['octo-lead'] },
    });
    assert.equal(issue.status, 201);
    assert.deepEqual(issue.body.labels, []);
    assert.deepEqual(issue.body.assignees, []);
    const labelled = await call<Json>(sandbox(), 'PATCH', `${base}/issues/${String(issue.body.number)}`, {
      token: 'triage-token',
      body: { labels: ['incident'] },
    });
    assert.deepEqual(
      (labelled.body.labels as Json[]).map((l) => l.name),
      ['incident'],
    );
  });

  it("a read-only user may edit their own issue but not label it, and gets 403 on someone else's", async () => {
    sandbox().store.addUser({ login: 'reader', token: 'reader-token', permission: 'read' });
    sandbox().store.createIssueDirect(REPO, { title: 'mine', author: 'reader' });
    sandbox().store.createIssueDirect(REPO, { title: 'theirs', author: 'octo-lead' });
    const own = await call<Json>(sandbox(), 'PATCH', `${base}/issues/1`, {
      token: 'reader-token',
      body: { title: 'mine, edited', labels: ['x'] },
    });
    assert.equal(own.status, 200);
    assert.equal(own.body.title, 'mine, edited');
    assert.deepEqual(own.body.labels, []);
    const other = await call<Json>(sandbox(), 'PATCH', `${base}/issues/2`, {
      token: 'reader-token',
      body: { state: 'closed' },
    });
    assert.equal(other.status, 403);
    assert.equal(other.body.message, 'Resource not accessible by personal access token');
    const labels = await call<Json>(sandbox(), 'POST', `${base}/issues/2/labels`, {
      token: 'reader-token',
      body: { labels: ['x'] },
    });
    assert.equal(labels.status, 403);
  });

  it('a bot token without triage gets "Resource not accessible by integration"', async () => {
    sandbox().store.addUser({ login: 'limited[bot]', token: 'limited-bot', permission: 'read', type: 'Bot' });
    sandbox().store.createIssueDirect(REPO, { title: 'x' });
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues/1/labels`, {
      token: 'limited-bot',
      body: { labels: ['x'] },
    });
    assert.equal(response.status, 403);
    assert.equal(response.body.message, 'Resource not accessible by integration');
  });

  it('GET /user works for user tokens and is a 403 for the Actions token, as on GitHub', async () => {
    const me = await call<Json>(sandbox(), 'GET', '/user', { token: WRITER_TOKEN });
    assert.equal(me.body.login, 'octo-lead');
    const bot = await call<Json>(sandbox(), 'GET', '/user', { token: ACTIONS_TOKEN });
    assert.equal(bot.status, 403);
    assert.equal(bot.body.message, 'Resource not accessible by integration');
    const byName = await call<Json>(sandbox(), 'GET', `/users/${encodeURIComponent('github-actions[bot]')}`, {
      token: ACTIONS_TOKEN,
    });
    assert.equal(byName.body.type, 'Bot');
    assert.equal((await call(sandbox(), 'GET', '/users/nobody-at-all')).status, 404);
  });

  it('assignees: users with push access, not bots; POST ignores unassignable logins; issue commenters qualify', async () => {
    sandbox().store.addUser({ login: 'reader', token: 'reader-token', permission: 'read' });
    const list = await call<Json[]>(sandbox(), 'GET', `${base}/assignees`);
    assert.deepEqual(
      list.body.map((u) => u.login),
      ['firebreak-dev', 'octo-lead', 'octo-comms', 'octo-scribe'],
    );
    assert.equal((await call(sandbox(), 'GET', `${base}/assignees/octo-lead`)).status, 204);
    assert.equal((await call(sandbox(), 'GET', `${base}/assignees/reader`)).status, 404);
    sandbox().store.createIssueDirect(REPO, { title: 'x' });
    const added = await call<Json>(sandbox(), 'POST', `${base}/issues/1/assignees`, {
      body: { assignees: ['octo-lead', 'reader', 'ghost'] },
    });
    assert.equal(added.status, 201);
    assert.deepEqual(
      (added.body.assignees as Json[]).map((u) => u.login),
      ['octo-lead'],
    );
    sandbox().store.createCommentDirect(REPO, 1, { body: 'I can help', author: 'reader' });
    assert.equal((await call(sandbox(), 'GET', `${base}/issues/1/assignees/reader`)).status, 204);
    const again = await call<Json>(sandbox(), 'POST', `${base}/issues/1/assignees`, {
      body: { assignees: ['reader'] },
    });
    assert.deepEqual(
      (again.body.assignees as Json[]).map((u) => u.login),
      ['octo-lead', 'reader'],
    );
    const removed = await call<Json>(sandbox(), 'DELETE', `${base}/issues/1/assignees`, {
      body: { assignees: ['octo-lead'] },
    });
    assert.equal(removed.status, 200);
    assert.deepEqual(
      (removed.body.assignees as Json[]).map((u) => u.login),
      ['reader'],
    );
  });

  it('unknown routes and wrong methods are 404 Not Found, as GitHub answers (and reported as violations)', async () => {
    const unknown = await call<Json>(sandbox(), 'GET', `${base}/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, 'Not Found');
    const wrongMethod = await call<Json>(sandbox(), 'PUT', `${base}/issues`, { body: {} });
    assert.equal(wrongMethod.status, 404);
    assert.deepEqual(sandbox().violations.splice(0), [
      `GET ${base}/nothing-here: no such route in GitHub's REST API description`,
      `PUT ${base}/issues: GitHub's REST API description has this path but not this method`,
    ]);
  });
});
