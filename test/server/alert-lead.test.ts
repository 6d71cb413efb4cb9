import assert from 'node:assert/strict';
import { main } from '../../cli/main';
import { useSandbox, wired } from '../support/fixtures';
import { aCheckout } from '../cli/support';
import { alertServer, deliver, fixture, type TestServer } from './support';

describe("an alert's incident has no lead until a person takes it", () => {
  const sandbox = useSandbox({ per: 'test' });
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function firebreak(args: string[], token = 'sandbox-token') {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      args,
      { GITHUB_API_URL: sandbox().url, GITHUB_TOKEN: token, GITHUB_SERVER_URL: sandbox().webUrl },
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      aCheckout(),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('no role:lead label, no assignee and no lead in the body; list and show say it is unacknowledged', async () => {
    server = await alertServer(sandbox());
    await deliver(server.url, 'generic', fixture('generic-firing'));
    const [issue] = await wired(sandbox()).gateway.listIssues({ labels: ['incident'], state: 'open' });
    assert.ok(issue);
    assert.ok(!issue.labels.includes('role:lead'), issue.labels.join(', '));
    assert.deepEqual(issue.assignees, []);
    assert.match(issue.body, /\| \*\*Lead\*\* \| _nobody yet/);
    assert.doesNotMatch(issue.body, /\*\*Lead\*\*: @|\*\*Lead\*\* \| @/);

    const listed = await firebreak(['list']);
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /unacknowledged: no lead/);
    assert.doesNotMatch(listed.out, /lead @firebreak-dev/);
    const shown = await firebreak(['show', String(issue.number), '--json']);
    const json = JSON.parse(shown.out) as { lead?: string; unacknowledged: boolean };
    assert.deepEqual([json.lead, json.unacknowledged], [undefined, true]);

    // Taking it (firebreak role N lead @me) shows the person everywhere.
    const taken = await firebreak(['role', String(issue.number), 'lead', '@me'], 'sandbox-token-lead');
    assert.equal(taken.code, 0, taken.err);
    const after = sandbox().store.issue('acme/shop', issue.number);
    assert.deepEqual(after?.assignees, ['octo-lead']);
    assert.match(after?.body ?? '', /\| \*\*Lead\*\* \| @octo-lead \|/);
    const labels = sandbox()
      .store.issueLabels(sandbox().store.ensureRepo('acme/shop'), after!)
      .map((l) => l.name);
    assert.ok(labels.includes('role:lead'));
    assert.doesNotMatch((await firebreak(['list'])).out, /unacknowledged/);
  });
});
