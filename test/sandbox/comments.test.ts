import assert from 'node:assert/strict';
import { call, REPO, useSandbox, WRITER_TOKEN, type Json } from './support';

describe('sandbox: comments', () => {
  const sandbox = useSandbox();
  const base = `/repos/${REPO}`;

  beforeEach(() => {
    sandbox().store.createIssueDirect(REPO, { title: 'incident' });
    sandbox().store.createIssueDirect(REPO, { title: 'another' });
  });

  async function comment(number: number, body: string, token?: string): Promise<Json> {
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues/${number}/comments`, {
      body: { body },
      ...(token ? { token } : {}),
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  it("creating a comment answers 201 with Location, bumps the issue's comment count and updated_at", async () => {
    const before = sandbox().store.issue(REPO, 1)?.updated_at;
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues/1/comments`, { body: { body: 'first' } });
    assert.equal(response.status, 201);
    assert.equal(
      response.headers.get('location'),
      `${sandbox().url}${base}/issues/comments/${String(response.body.id)}`,
    );
    assert.equal(response.body.issue_url, `${sandbox().url}${base}/issues/1`);
    assert.equal(
      response.body.html_url,
      `${sandbox().webUrl}/${REPO}/issues/1#issuecomment-${String(response.body.id)}`,
    );
    const issue = await call<Json>(sandbox(), 'GET', `${base}/issues/1`);
    assert.equal(issue.body.comments, 1);
    assert.ok(String(issue.body.updated_at) >= String(before));
  });

  it('comment ids are global and ascending; lists are in ascending order', async () => {
    const a = await comment(1, 'a');
    const b = await comment(2, 'b');
    const c = await comment(1, 'c');
    assert.ok(Number(a.id) < Number(b.id) && Number(b.id) < Number(c.id));
    const list = await call<Json[]>(sandbox(), 'GET', `${base}/issues/1/comments`);
    assert.deepEqual(
      list.body.map((x) => x.body),
      ['a', 'c'],
    );
    const repoWide = await call<Json[]>(sandbox(), 'GET', `${base}/issues/comments`);
    assert.deepEqual(
      repoWide.body.map((x) => x.body),
      ['a', 'b', 'c'],
    );
    const newestFirst = await call<Json[]>(sandbox(), 'GET', `${base}/issues/comments?sort=created&direction=desc`);
    assert.deepEqual(
      newestFirst.body.map((x) => x.body),
      ['c', 'b', 'a'],
    );
  });

  it('since= keeps comments updated at or after the time; per_page/page paginate with Link', async () => {
    sandbox().store.createCommentDirect(REPO, 1, { body: 'old', createdAt: new Date('2020-01-01T00:00:00Z') });
    for (const body of ['n1', 'n2', 'n3']) await comment(1, body);
    const since = await call<Json[]>(sandbox(), 'GET', `${base}/issues/1/comments?since=2021-01-01T00:00:00Z`);
    assert.deepEqual(
      since.body.map((x) => x.body),
      ['n1', 'n2', 'n3'],
    );
    const page = await call<Json[]>(sandbox(), 'GET', `${base}/issues/1/comments?per_page=2&page=2`);
    assert.deepEqual(
      page.body.map((x) => x.body),
      ['n2', 'n3'],
    );
    assert.match(page.headers.get('link') ?? '', /rel="prev".*rel="first"/);
  });

  it("author_association follows the author's permission: admin OWNER, write COLLABORATOR, none NONE", async () => {
    await comment(1, 'from admin');
    await comment(1, 'from writer', WRITER_TOKEN);
    sandbox().store.createCommentDirect(REPO, 1, { body: 'from a stranger', author: 'mallory' });
    sandbox().store.createCommentDirect(REPO, 1, { body: 'forged', author: 'mallory', authorAssociation: 'MEMBER' });
    const list = await call<Json[]>(sandbox(), 'GET', `${base}/issues/1/comments`);
    assert.deepEqual(
      list.body.map((x) => [x.body, (x.user as Json).login, x.author_association]),
      [
        ['from admin', 'firebreak-dev', 'OWNER'],
        ['from writer', 'octo-lead', 'COLLABORATOR'],
        ['from a stranger', 'mallory', 'NONE'],
        ['forged', 'mallory', 'MEMBER'],
      ],
    );
  });

  it('the Actions bot comments as a Bot user', async () => {
    const created = await comment(1, 'automated', 'sandbox-actions-token');
    assert.equal((created.user as Json).login, 'github-actions[bot]');
    assert.equal((created.user as Json).type, 'Bot');
    assert.equal(created.author_association, 'COLLABORATOR');
  });

  it('edits and deletes: the author or push access may; others get 403', async () => {
    sandbox().store.addUser({ login: 'reader', token: 'reader-token', permission: 'read' });
    const mine = await comment(1, 'mine', 'reader-token');
    const theirs = await comment(1, 'theirs', WRITER_TOKEN);
    const edited = await call<Json>(sandbox(), 'PATCH', `${base}/issues/comments/${String(mine.id)}`, {
      token: 'reader-token',
      body: { body: 'edited' },
    });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.body, 'edited');
    const denied = await call<Json>(sandbox(), 'PATCH', `${base}/issues/comments/${String(theirs.id)}`, {
      token: 'reader-token',
      body: { body: 'hijack' },
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.message, 'Resource not accessible by personal access token');
    const removed = await call(sandbox(), 'DELETE', `${base}/issues/comments/${String(mine.id)}`);
    assert.equal(removed.status, 204);
    assert.equal((await call(sandbox(), 'GET', `${base}/issues/comments/${String(mine.id)}`)).status, 404);
    assert.equal(sandbox().store.issue(REPO, 1)?.comments, 1);
  });

  it('a comment body over 65,536 characters is a 422; a blank one too', async () => {
    const tooLong = await call<Json>(sandbox(), 'POST', `${base}/issues/1/comments`, {
      body: { body: 'x'.repeat(65_537) },
    });
    assert.equal(tooLong.status, 422);
    assert.deepEqual(tooLong.body.errors, [
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: 'body is too long (maximum is 65536 characters)',
      },
    ]);
    const blank = await call<Json>(sandbox(), 'POST', `${base}/issues/1/comments`, { body: { body: '  ' } });
    assert.equal(blank.status, 422);
  });

  it('commenting on an issue that does not exist is a 404', async () => {
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues/42/comments`, { body: { body: 'hello?' } });
    assert.equal(response.status, 404);
  });
});
