import assert from 'node:assert/strict';
import { call, REPO, useSandbox, WRITER_TOKEN, type Json } from './support';

describe('sandbox: labels', () => {
  const sandbox = useSandbox();
  const base = `/repos/${REPO}`;

  it('creates a label (201, Location) and refuses a second one with the same name, case-insensitively', async () => {
    const created = await call<Json>(sandbox(), 'POST', `${base}/labels`, {
      body: { name: 'severity: critical', color: 'B60205', description: 'Wake people up' },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(
      {
        name: created.body.name,
        color: created.body.color,
        description: created.body.description,
        default: created.body.default,
      },
      { name: 'severity: critical', color: 'b60205', description: 'Wake people up', default: false },
    );
    assert.equal(created.headers.get('location'), `${sandbox().url}${base}/labels/severity%3A%20critical`);
    const again = await call<Json>(sandbox(), 'POST', `${base}/labels`, { body: { name: 'Severity: Critical' } });
    assert.equal(again.status, 422);
    assert.deepEqual(again.body.errors, [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
  });

  it('reads, updates and deletes labels addressed by URL-encoded names with colons and spaces', async () => {
    sandbox().store.createLabelDirect(REPO, { name: 'role: incident lead' });
    const path = `${base}/labels/${encodeURIComponent('role: incident lead')}`;
    const found = await call<Json>(sandbox(), 'GET', path);
    assert.equal(found.status, 200);
    assert.equal(found.body.color, 'ededed');
    const updated = await call<Json>(sandbox(), 'PATCH', path, {
      body: { color: '#0e8a16', description: 'Runs the incident', new_name: 'role: lead' },
    });
    assert.equal(updated.status, 200);
    assert.deepEqual(
      [updated.body.name, updated.body.color, updated.body.description],
      ['role: lead', '0e8a16', 'Runs the incident'],
    );
    assert.equal((await call(sandbox(), 'GET', path)).status, 404);
    const renamed = `${base}/labels/${encodeURIComponent('role: lead')}`;
    assert.equal((await call(sandbox(), 'DELETE', renamed)).status, 204);
    assert.deepEqual(sandbox().store.labels(REPO), []);
  });

  it('an invalid color is a 422 naming the field', async () => {
    const response = await call<Json>(sandbox(), 'POST', `${base}/labels`, { body: { name: 'x', color: 'red' } });
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.errors, [{ resource: 'Label', code: 'invalid', field: 'color', value: 'red' }]);
  });

  it('adding labels to an issue keeps existing ones, creates unknown ones (ededed) and answers with all labels', async () => {
    sandbox().store.createIssueDirect(REPO, { title: 'x', labels: ['incident'] });
    const response = await call<Json[]>(sandbox(), 'POST', `${base}/issues/1/labels`, {
      body: { labels: ['status: investigating'] },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(
      response.body.map((l) => [l.name, l.color]),
      [
        ['incident', 'ededed'],
        ['status: investigating', 'ededed'],
      ],
    );
  });

  it("PUT replaces an issue's labels; DELETE one answers with the rest; DELETE all answers 204", async () => {
    sandbox().store.createIssueDirect(REPO, { title: 'x', labels: ['a', 'b'] });
    const set = await call<Json[]>(sandbox(), 'PUT', `${base}/issues/1/labels`, { body: { labels: ['c', 'd'] } });
    assert.deepEqual(
      set.body.map((l) => l.name),
      ['c', 'd'],
    );
    const removed = await call<Json[]>(sandbox(), 'DELETE', `${base}/issues/1/labels/c`);
    assert.equal(removed.status, 200);
    assert.deepEqual(
      removed.body.map((l) => l.name),
      ['d'],
    );
    const missing = await call<Json>(sandbox(), 'DELETE', `${base}/issues/1/labels/zzz`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'Label does not exist');
    assert.equal((await call(sandbox(), 'DELETE', `${base}/issues/1/labels`)).status, 204);
    assert.deepEqual((await call<Json[]>(sandbox(), 'GET', `${base}/issues/1/labels`)).body, []);
  });

  it('deleting a repository label removes it from every issue', async () => {
    sandbox().store.createIssueDirect(REPO, { title: 'x', labels: ['gone', 'kept'] });
    await call(sandbox(), 'DELETE', `${base}/labels/gone`);
    const issue = await call<Json>(sandbox(), 'GET', `${base}/issues/1`);
    assert.deepEqual(
      (issue.body.labels as Json[]).map((l) => l.name),
      ['kept'],
    );
  });

  it('managing repository labels needs push access; triage is not enough', async () => {
    sandbox().store.addUser({ login: 'triager', token: 'triage-token', permission: 'triage' });
    const denied = await call<Json>(sandbox(), 'POST', `${base}/labels`, {
      token: 'triage-token',
      body: { name: 'x' },
    });
    assert.equal(denied.status, 403);
    const allowed = await call<Json>(sandbox(), 'POST', `${base}/labels`, { token: WRITER_TOKEN, body: { name: 'x' } });
    assert.equal(allowed.status, 201);
  });
});
