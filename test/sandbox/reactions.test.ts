import assert from 'node:assert/strict';
import { call, REPO, useSandbox, WRITER_TOKEN, type Json } from './support';

describe('sandbox: comment reactions', () => {
  const sandbox = useSandbox();
  const base = `/repos/${REPO}`;
  let commentId = 0;

  beforeEach(() => {
    sandbox().store.createIssueDirect(REPO, { title: 'incident' });
    sandbox().store.addUser({ login: 'reader', token: 'reader-token', permission: 'read' });
    commentId = sandbox().store.createCommentDirect(REPO, 1, { body: 'p99 doubled at 10:02', author: 'reader' }).id;
  });

  it('creating a reaction answers 201, again 200 with the same reaction; the comment counts it', async () => {
    const first = await call<Json>(sandbox(), 'POST', `${base}/issues/comments/${commentId}/reactions`, {
      body: { content: 'rocket' },
      token: WRITER_TOKEN,
    });
    assert.equal(first.status, 201);
    assert.equal((first.body.user as Json).login, 'octo-lead');
    const again = await call<Json>(sandbox(), 'POST', `${base}/issues/comments/${commentId}/reactions`, {
      body: { content: 'rocket' },
      token: WRITER_TOKEN,
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    await call(sandbox(), 'POST', `${base}/issues/comments/${commentId}/reactions`, { body: { content: 'eyes' } });
    const comments = await call<Json[]>(sandbox(), 'GET', `${base}/issues/1/comments`);
    const rollup = comments.body[0]?.reactions as Json;
    assert.equal(rollup.total_count, 2);
    assert.equal(rollup.rocket, 1);
    assert.equal(rollup.eyes, 1);
  });

  it('lists reactions, filtered by content', async () => {
    await call(sandbox(), 'POST', `${base}/issues/comments/${commentId}/reactions`, { body: { content: 'rocket' } });
    await call(sandbox(), 'POST', `${base}/issues/comments/${commentId}/reactions`, { body: { content: 'heart' } });
    const rockets = await call<Json[]>(
      sandbox(),
      'GET',
      `${base}/issues/comments/${commentId}/reactions?content=rocket`,
    );
    assert.equal(rockets.status, 200);
    assert.deepEqual(
      rockets.body.map((r) => r.content),
      ['rocket'],
    );
    const all = await call<Json[]>(sandbox(), 'GET', `${base}/issues/comments/${commentId}/reactions`);
    assert.equal(all.body.length, 2);
  });

  it('refuses unknown contents (422) and unknown comments (404)', async () => {
    const bad = await call(sandbox(), 'POST', `${base}/issues/comments/${commentId}/reactions`, {
      body: { content: 'thumbsup' },
    });
    assert.equal(bad.status, 422);
    sandbox().violations.splice(0);
    const missing = await call(sandbox(), 'GET', `${base}/issues/comments/999/reactions`);
    assert.equal(missing.status, 404);
  });

  it("answers a collaborator's permission: write for a writer, read for a reader", async () => {
    const writer = await call<Json>(sandbox(), 'GET', `${base}/collaborators/octo-lead/permission`);
    assert.equal(writer.body.permission, 'write');
    const reader = await call<Json>(sandbox(), 'GET', `${base}/collaborators/reader/permission`);
    assert.equal(reader.body.permission, 'read');
  });
});
