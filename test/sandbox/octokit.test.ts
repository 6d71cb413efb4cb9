import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { REPO, useSandbox } from './support';

describe('sandbox: with @octokit/rest', () => {
  const sandbox = useSandbox();
  const [owner, repo] = REPO.split('/') as [string, string];
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const octokit = (): Octokit => new Octokit({ auth: 'sandbox-token', baseUrl: sandbox().url, log: quiet });

  it('octokit.paginate follows the Link header through every page', async () => {
    for (let i = 1; i <= 45; i++)
      sandbox().store.createIssueDirect(REPO, { title: `issue ${i}`, labels: i % 3 === 0 ? ['incident'] : [] });
    const all = await octokit().paginate(octokit().rest.issues.listForRepo, {
      owner,
      repo,
      state: 'all',
      per_page: 10,
    });
    assert.equal(all.length, 45);
    assert.equal(new Set(all.map((i) => i.number)).size, 45);
    const labelled = await octokit().paginate(octokit().rest.issues.listForRepo, {
      owner,
      repo,
      labels: 'incident',
      per_page: 4,
    });
    assert.equal(labelled.length, 15);
    assert.equal(
      sandbox().requests.filter((r) => r.path.startsWith('/repositories/')).length,
      4 + 3,
      "later pages use GitHub's /repositories/{id} links",
    );
  });

  it('creates, comments and reads back through typed octokit calls', async () => {
    const { data: issue } = await octokit().rest.issues.create({
      owner,
      repo,
      title: 'Checkout down',
      labels: ['incident'],
      assignees: ['octo-lead'],
    });
    await octokit().rest.issues.createComment({ owner, repo, issue_number: issue.number, body: 'Investigating' });
    const { data: comments } = await octokit().rest.issues.listComments({ owner, repo, issue_number: issue.number });
    assert.deepEqual(
      comments.map((c) => c.body),
      ['Investigating'],
    );
    const { data: labels } = await octokit().rest.issues.listLabelsOnIssue({ owner, repo, issue_number: issue.number });
    assert.deepEqual(
      labels.map((l) => [l.name, l.color]),
      [['incident', 'ededed']],
    );
  });

  it("422 answers surface as RequestError with GitHub's errors array", async () => {
    await assert.rejects(
      octokit().rest.issues.create({ owner, repo, title: 'x', assignees: ['ghost'] }),
      (error: { status?: number; response?: { data?: { errors?: unknown[] } } }) => {
        assert.equal(error.status, 422);
        assert.deepEqual(error.response?.data?.errors, [
          { resource: 'Issue', code: 'invalid', field: 'assignees', value: 'ghost' },
        ]);
        return true;
      },
    );
  });

  it('conditional requests through octokit get 304 as a RequestError, as with api.github.com', async () => {
    sandbox().store.createIssueDirect(REPO, { title: 'x' });
    const first = await octokit().rest.issues.get({ owner, repo, issue_number: 1 });
    await assert.rejects(
      octokit().rest.issues.get({
        owner,
        repo,
        issue_number: 1,
        headers: { 'if-none-match': first.headers.etag ?? '' },
      }),
      (error: { status?: number }) => error.status === 304,
    );
  });
});
