import assert from 'node:assert/strict';
import { call, REPO, useSandbox, type Json } from './support';

describe('sandbox: sub-issues', () => {
  const sandbox = useSandbox();
  const base = `/repos/${REPO}`;

  it('links a child by its id (not its number) and lists it under the parent', async () => {
    const parent = sandbox().store.createIssueDirect(REPO, { title: 'incident' });
    const child = sandbox().store.createIssueDirect(REPO, { title: 'follow-up' });
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues/${parent.number}/sub_issues`, {
      body: { sub_issue_id: child.id },
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.number, parent.number);
    assert.deepEqual(response.body.sub_issues_summary, { total: 1, completed: 0, percent_completed: 0 });
    const list = await call<Json[]>(sandbox(), 'GET', `${base}/issues/${parent.number}/sub_issues`);
    assert.deepEqual(
      list.body.map((i) => i.number),
      [child.number],
    );
    const up = await call<Json>(sandbox(), 'GET', `${base}/issues/${child.number}/parent`);
    assert.equal(up.body.number, parent.number);
    const childIssue = await call<Json>(sandbox(), 'GET', `${base}/issues/${child.number}`);
    assert.equal(childIssue.body.parent_issue_url, `${sandbox().url}${base}/issues/${parent.number}`);
  });

  it('passing the number instead of the id is a 404 (ids and numbers differ)', async () => {
    const parent = sandbox().store.createIssueDirect(REPO, { title: 'incident' });
    const child = sandbox().store.createIssueDirect(REPO, { title: 'follow-up' });
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues/${parent.number}/sub_issues`, {
      body: { sub_issue_id: child.number },
    });
    assert.equal(response.status, 404);
  });

  it('a child has one parent: a second parent is a 422 unless replace_parent is set', async () => {
    const first = sandbox().store.createIssueDirect(REPO, { title: 'first' });
    const second = sandbox().store.createIssueDirect(REPO, { title: 'second' });
    const child = sandbox().store.createIssueDirect(REPO, { title: 'child' });
    await call(sandbox(), 'POST', `${base}/issues/${first.number}/sub_issues`, { body: { sub_issue_id: child.id } });
    const refused = await call<Json>(sandbox(), 'POST', `${base}/issues/${second.number}/sub_issues`, {
      body: { sub_issue_id: child.id },
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.message, 'Validation Failed');
    assert.equal((refused.body.errors as Json[])[0]?.field, 'sub_issue_id');
    const moved = await call<Json>(sandbox(), 'POST', `${base}/issues/${second.number}/sub_issues`, {
      body: { sub_issue_id: child.id, replace_parent: true },
    });
    assert.equal(moved.status, 201);
    assert.deepEqual(sandbox().store.issue(REPO, first.number)?.subIssueIds, []);
    assert.equal(sandbox().store.issue(REPO, child.number)?.parentId, second.id);
  });

  it("completed children count in the parent's sub_issues_summary", async () => {
    const parent = sandbox().store.createIssueDirect(REPO, { title: 'incident' });
    for (const title of ['a', 'b']) {
      const child = sandbox().store.createIssueDirect(REPO, { title, state: title === 'a' ? 'closed' : 'open' });
      await call(sandbox(), 'POST', `${base}/issues/${parent.number}/sub_issues`, { body: { sub_issue_id: child.id } });
    }
    const response = await call<Json>(sandbox(), 'GET', `${base}/issues/${parent.number}`);
    assert.deepEqual(response.body.sub_issues_summary, { total: 2, completed: 1, percent_completed: 50 });
  });

  it('removing a sub-issue unlinks it', async () => {
    const parent = sandbox().store.createIssueDirect(REPO, { title: 'incident' });
    const child = sandbox().store.createIssueDirect(REPO, { title: 'child' });
    await call(sandbox(), 'POST', `${base}/issues/${parent.number}/sub_issues`, { body: { sub_issue_id: child.id } });
    const removed = await call<Json>(sandbox(), 'DELETE', `${base}/issues/${parent.number}/sub_issue`, {
      body: { sub_issue_id: child.id },
    });
    assert.equal(removed.status, 200);
    assert.equal((await call(sandbox(), 'GET', `${base}/issues/${child.number}/parent`)).status, 404);
  });
});
