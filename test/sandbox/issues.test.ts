import assert from 'node:assert/strict';
import { takeOpenApiViolations } from '../support/openapi-violations';
import { call, REPO, useSandbox, type Json } from './support';

describe('sandbox: issues', () => {
  const sandbox = useSandbox();
  const base = `/repos/${REPO}`;

  async function createIssue(body: Json, token?: string): Promise<Json> {
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues`, { body, ...(token ? { token } : {}) });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  it('creating an issue answers 201 with a Location header and GitHub URLs for the issue', async () => {
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues`, {
      body: { title: 'Checkout is down', body: 'Errors at 40%' },
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), `${sandbox().url}${base}/issues/1`);
    assert.equal(response.body.number, 1);
    assert.equal(response.body.state, 'open');
    assert.equal(response.body.html_url, `${sandbox().webUrl}/${REPO}/issues/1`);
    assert.equal((response.body.user as Json).login, 'firebreak-dev');
    assert.equal(response.body.author_association, 'OWNER');
    assert.equal(typeof response.body.id, 'number');
    assert.notEqual(response.body.id, response.body.number, 'ids and numbers are different things');
  });

  it('labels that do not exist yet are created with color ededed and no description', async () => {
    sandbox().store.createLabelDirect(REPO, { name: 'incident', color: 'b60205', description: 'An incident' });
    const issue = await createIssue({ title: 'Outage', labels: ['incident', 'severity: critical'] });
    const labels = issue.labels as Json[];
    assert.deepEqual(
      labels.map((l) => [l.name, l.color, l.description]),
      [
        ['incident', 'b60205', 'An incident'],
        ['severity: critical', 'ededed', null],
      ],
    );
    assert.deepEqual(
      sandbox()
        .store.labels(REPO)
        .map((l) => l.name),
      ['incident', 'severity: critical'],
    );
  });

  it("an unknown assignee fails the create with GitHub's 422 Validation Failed shape and creates nothing", async () => {
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues`, {
      body: { title: 'x', assignees: ['octo-lead', 'nobody-here'] },
    });
    assert.equal(response.status, 422);
    assert.equal(response.body.message, 'Validation Failed');
    assert.deepEqual(response.body.errors, [
      { resource: 'Issue', code: 'invalid', field: 'assignees', value: 'nobody-here' },
    ]);
    assert.equal(response.body.status, '422');
    assert.match(
      String(response.body.documentation_url),
      /^https:\/\/docs\.github\.com\/rest\/issues\/issues#create-an-issue/,
    );
    assert.equal(sandbox().store.issues(REPO).length, 0);
  });

  it('a body over 65,536 characters is refused with 422, exactly 65,536 is accepted', async () => {
    const tooLong = await call<Json>(sandbox(), 'POST', `${base}/issues`, {
      body: { title: 'x', body: 'a'.repeat(65_537) },
    });
    assert.equal(tooLong.status, 422);
    assert.deepEqual(tooLong.body.errors, [
      { resource: 'Issue', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' },
    ]);
    await createIssue({ title: 'x', body: 'a'.repeat(65_536) });
  });

  it('a missing title is a 422 (and the OpenAPI check reports the request)', async () => {
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues`, { body: { body: 'no title' } });
    assert.equal(response.status, 422);
    assert.match(String(response.body.message), /"title" wasn't supplied/);
    const violations = takeOpenApiViolations(sandbox());
    assert.equal(violations.length, 1);
    assert.match(violations[0] ?? '', /POST \/repos\/acme\/shop\/issues \[issues\/create\]: request body: .*title/);
  });

  it('listing defaults to open issues, newest first, and includes pull requests (clients must filter them)', async () => {
    await createIssue({ title: 'one' });
    const two = await createIssue({ title: 'two' });
    await call(sandbox(), 'PATCH', `${base}/issues/${String(two.number)}`, { body: { state: 'closed' } });
    sandbox().store.createIssueDirect(REPO, { title: 'a pull request', pullRequest: true });
    const open = await call<Json[]>(sandbox(), 'GET', `${base}/issues`);
    assert.deepEqual(
      open.body.map((i) => i.title),
      ['a pull request', 'one'],
    );
    assert.ok(open.body[0]?.pull_request, 'pull requests carry a pull_request key');
    assert.equal(open.body[1]?.pull_request, undefined);
    const all = await call<Json[]>(sandbox(), 'GET', `${base}/issues?state=all&direction=asc`);
    assert.deepEqual(
      all.body.map((i) => i.title),
      ['one', 'two', 'a pull request'],
    );
  });

  it('labels=a,b lists issues that have all of the labels, case-insensitively', async () => {
    await createIssue({ title: 'both', labels: ['incident', 'sev1'] });
    await createIssue({ title: 'only incident', labels: ['incident'] });
    await createIssue({ title: 'only sev1', labels: ['SEV1'] });
    const response = await call<Json[]>(sandbox(), 'GET', `${base}/issues?labels=Incident,sev1`);
    assert.deepEqual(
      response.body.map((i) => i.title),
      ['both'],
    );
  });

  it('filters by assignee (login, none, *), creator and since', async () => {
    const t0 = new Date('2020-01-01T00:00:00Z');
    sandbox().store.createIssueDirect(REPO, { title: 'old', createdAt: t0, author: 'octo-comms' });
    await createIssue({ title: 'assigned', assignees: ['octo-lead'] });
    const byAssignee = await call<Json[]>(sandbox(), 'GET', `${base}/issues?assignee=octo-lead`);
    assert.deepEqual(
      byAssignee.body.map((i) => i.title),
      ['assigned'],
    );
    const unassigned = await call<Json[]>(sandbox(), 'GET', `${base}/issues?assignee=none`);
    assert.deepEqual(
      unassigned.body.map((i) => i.title),
      ['old'],
    );
    const anyAssignee = await call<Json[]>(sandbox(), 'GET', `${base}/issues?assignee=*`);
    assert.deepEqual(
      anyAssignee.body.map((i) => i.title),
      ['assigned'],
    );
    const byCreator = await call<Json[]>(sandbox(), 'GET', `${base}/issues?creator=octo-comms`);
    assert.deepEqual(
      byCreator.body.map((i) => i.title),
      ['old'],
    );
    const since = await call<Json[]>(sandbox(), 'GET', `${base}/issues?since=2020-01-01T00:00:01Z`);
    assert.deepEqual(
      since.body.map((i) => i.title),
      ['assigned'],
    );
  });

  it('sorts by comment count in both directions', async () => {
    const a = await createIssue({ title: 'a' });
    await createIssue({ title: 'b' });
    sandbox().store.createCommentDirect(REPO, Number(a.number), { body: 'c1' });
    const byComments = await call<Json[]>(sandbox(), 'GET', `${base}/issues?sort=comments&direction=desc`);
    assert.deepEqual(
      byComments.body.map((i) => i.title),
      ['a', 'b'],
    );
    const byCommentsAsc = await call<Json[]>(sandbox(), 'GET', `${base}/issues?sort=comments&direction=asc`);
    assert.deepEqual(
      byCommentsAsc.body.map((i) => i.title),
      ['b', 'a'],
    );
  });

  it('paginates with per_page (max 100) and a GitHub-style Link header: absolute URLs, prev/next/last/first', async () => {
    for (let i = 1; i <= 7; i++) sandbox().store.createIssueDirect(REPO, { title: `issue ${i}` });
    const repoId = sandbox().store.repo(REPO)?.id;
    const first = await call<Json[]>(sandbox(), 'GET', `${base}/issues?per_page=3&direction=asc`);
    assert.deepEqual(
      first.body.map((i) => i.number),
      [1, 2, 3],
    );
    const link = `${sandbox().url}/repositories/${String(repoId)}/issues`;
    assert.equal(
      first.headers.get('link'),
      `<${link}?per_page=3&direction=asc&page=2>; rel="next", <${link}?per_page=3&direction=asc&page=3>; rel="last"`,
    );
    const middle = await call<Json[]>(
      sandbox(),
      'GET',
      `/repositories/${String(repoId)}/issues?per_page=3&direction=asc&page=2`,
    );
    assert.deepEqual(
      middle.body.map((i) => i.number),
      [4, 5, 6],
    );
    assert.equal(
      middle.headers.get('link'),
      [
        `<${link}?per_page=3&direction=asc&page=1>; rel="prev"`,
        `<${link}?per_page=3&direction=asc&page=3>; rel="next"`,
        `<${link}?per_page=3&direction=asc&page=3>; rel="last"`,
        `<${link}?per_page=3&direction=asc&page=1>; rel="first"`,
      ].join(', '),
    );
    const last = await call<Json[]>(sandbox(), 'GET', `${base}/issues?per_page=3&direction=asc&page=3`);
    assert.deepEqual(
      last.body.map((i) => i.number),
      [7],
    );
    assert.doesNotMatch(last.headers.get('link') ?? '', /rel="next"/);
    const capped = await call<Json[]>(sandbox(), 'GET', `${base}/issues?per_page=500`);
    assert.equal(capped.body.length, 7);
    assert.equal(capped.headers.get('link'), null, 'one page needs no Link header');
  });

  it("a single issue has ETag and Last-Modified; an unknown number is a 404 with GitHub's error shape", async () => {
    await createIssue({ title: 'x' });
    const found = await call<Json>(sandbox(), 'GET', `${base}/issues/1`);
    assert.equal(found.status, 200);
    assert.match(found.headers.get('etag') ?? '', /^W\/"[0-9a-f]{64}"$/);
    assert.ok(found.headers.get('last-modified'));
    const missing = await call<Json>(sandbox(), 'GET', `${base}/issues/99`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'Not Found');
    assert.equal(missing.body.status, '404');
    assert.ok(missing.body.documentation_url);
  });

  it('PATCH replaces labels and assignees, and closing records state_reason, closed_at and closed_by', async () => {
    await createIssue({ title: 'x', labels: ['a', 'b'], assignees: ['octo-lead'] });
    const response = await call<Json>(sandbox(), 'PATCH', `${base}/issues/1`, {
      body: { labels: ['c'], assignees: ['octo-comms', 'octo-scribe'], state: 'closed', state_reason: 'not_planned' },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(
      (response.body.labels as Json[]).map((l) => l.name),
      ['c'],
    );
    assert.deepEqual(
      (response.body.assignees as Json[]).map((u) => u.login),
      ['octo-comms', 'octo-scribe'],
    );
    assert.equal(response.body.state, 'closed');
    assert.equal(response.body.state_reason, 'not_planned');
    assert.ok(response.body.closed_at);
    assert.equal((response.body.closed_by as Json).login, 'firebreak-dev');
    const reopened = await call<Json>(sandbox(), 'PATCH', `${base}/issues/1`, { body: { state: 'open' } });
    assert.equal(reopened.body.state_reason, 'reopened');
    assert.equal(reopened.body.closed_at, null);
  });

  it('PATCH with an unassignable login is a 422 and changes nothing', async () => {
    await createIssue({ title: 'x' });
    const response = await call<Json>(sandbox(), 'PATCH', `${base}/issues/1`, {
      body: { title: 'renamed', assignees: ['github-actions[bot]'] },
    });
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.errors, [
      { resource: 'Issue', code: 'invalid', field: 'assignees', value: 'github-actions[bot]' },
    ]);
    assert.equal(sandbox().store.issue(REPO, 1)?.title, 'x');
  });

  it('a PATCH that changes nothing keeps updated_at (and so the ETag) unchanged', async () => {
    sandbox().store.createIssueDirect(REPO, { title: 'x', createdAt: new Date('2020-05-01T10:00:00Z') });
    const response = await call<Json>(sandbox(), 'PATCH', `${base}/issues/1`, { body: { title: 'x' } });
    assert.equal(response.body.updated_at, '2020-05-01T10:00:00Z');
  });

  it('a body that is not JSON is a 400 Problems parsing JSON', async () => {
    const response = await fetch(`${sandbox().url}${base}/issues`, {
      method: 'POST',
      headers: { authorization: 'token sandbox-token' },
      body: '{"title": ',
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as Json).message, 'Problems parsing JSON');
    sandbox().violations.splice(0); // the check also reports the missing body
  });

  it('naming a milestone is a 422: the sandbox has none', async () => {
    const response = await call<Json>(sandbox(), 'POST', `${base}/issues`, { body: { title: 'x', milestone: 3 } });
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.errors, [{ resource: 'Issue', code: 'invalid', field: 'milestone', value: 3 }]);
  });

  it('html_url opens a plain page of the issue and its comments on the web host', async () => {
    const issue = await createIssue({ title: 'Checkout <down>', body: 'Errors & timeouts' });
    sandbox().store.createCommentDirect(REPO, 1, { body: 'Rolled back', author: 'octo-lead' });
    const page = await fetch(String(issue.html_url));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.match(html, /Checkout &#60;down&#62;/);
    assert.match(html, /Errors &#38; timeouts/);
    assert.match(html, /@octo-lead/);
    const avatar = await fetch(String((issue.user as Json).avatar_url));
    assert.equal(avatar.headers.get('content-type'), 'image/svg+xml');
  });

  it("the repository itself is served with the caller's permissions", async () => {
    sandbox().store.ensureRepo(REPO);
    const response = await call<Json>(sandbox(), 'GET', `/repos/${REPO}`, { token: 'sandbox-token-lead' });
    assert.equal(response.status, 200);
    assert.equal(response.body.full_name, REPO);
    assert.deepEqual(response.body.permissions, {
      admin: false,
      maintain: false,
      push: true,
      triage: true,
      pull: true,
    });
  });
});
