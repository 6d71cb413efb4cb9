// Required checks that flip by themselves (`firebreak/freeze` commit statuses) and the hotfix lane, through the
// built Action against the sandbox: an incident's issues events flip the status of every open pull request and the
// default branch where it changes, and only there; a pull request that fixes the incident passes that freeze.
import assert from 'node:assert/strict';
import type { Sandbox } from '../../sandbox/server';
import { call, type Json } from '../sandbox/support';
import { useSandbox } from '../sandbox/support';
import { world } from '../core/world';
import { buildAction, errorOf, REPO, runAction, TOKEN } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';
import { ShowIncident } from '../../core/use-cases/show-incident';

const MAIN_SHA = '1'.repeat(40);
const sha = (n: number) => String(n).repeat(40).slice(0, 40);
const CONTEXT = 'firebreak/freeze';

function statusOf(sandbox: Sandbox, commit: string): { state: string; description: string | null } | undefined {
  const latest = sandbox.store.statuses(REPO, commit).find((s) => s.context === CONTEXT);
  return latest ? { state: latest.state, description: latest.description } : undefined;
}

async function issuePayload(sandbox: Sandbox, number: number): Promise<Json> {
  return (await call<Json>(sandbox, 'GET', `/repos/${REPO}/issues/${number}`)).body;
}

const issuesEvent = (action: string, issue: Json, extra: object = {}) => ({
  action,
  issue,
  repository: { default_branch: 'main' },
  ...extra,
});

function writes(sandbox: Sandbox, since: number): string[] {
  return sandbox.requests
    .slice(since)
    .filter((r) => r.token === TOKEN && r.method === 'POST')
    .map((r) => r.path);
}

describe('action: freeze commit statuses and the hotfix lane', function () {
  this.timeout(60_000);
  const sandbox = useSandbox();
  before(buildAction);

  it('an issues event flips firebreak/freeze on every open pull request and the default branch, writing only changes', async () => {
    const s = sandbox();
    s.store.setBranchDirect(REPO, 'main', MAIN_SHA);
    const incident = await new DeclareIncident(world(s).service()).run({
      title: 'Checkout down',
      severity: 'critical',
    });
    s.store.createPullDirect(REPO, { title: 'Feature A', headSha: sha(2) });
    s.store.createPullDirect(REPO, { title: 'Feature B', headSha: sha(3), baseRef: 'release' });
    s.store.createPullDirect(REPO, {
      title: 'Roll back the cache',
      body: `Fixes incident #${incident.number}`,
      headSha: sha(4),
    });
    // Before: the three had been marked green while nothing froze.
    for (const n of [2, 3, 4])
      s.store.createStatus(s.store.ensureRepo(REPO), {
        sha: sha(n),
        state: 'success',
        context: CONTEXT,
        description: 'No active incident freezes merges',
        target_url: null,
        creator: 'github-actions[bot]',
      });

    const before = s.requests.length;
    const opened = await runAction(s, {
      inputs: { mode: 'freeze' },
      eventName: 'issues',
      event: issuesEvent('opened', await issuePayload(s, incident.number)),
    });
    assert.equal(opened.code, 0, opened.stdout);
    assert.equal(opened.outputs['frozen'], 'true');
    assert.deepEqual(statusOf(s, sha(2)), {
      state: 'failure',
      description: `Frozen by #${incident.number} until resolved`,
    });
    assert.equal(statusOf(s, sha(3))?.state, 'failure');
    assert.equal(statusOf(s, MAIN_SHA)?.state, 'failure');
    // The hotfix stays green: its state did not change, so it was not written.
    assert.equal(statusOf(s, sha(4))?.description, 'No active incident freezes merges');
    const made = s.requests.slice(before).filter((r) => r.token === TOKEN);
    assert.deepEqual(made.map((r) => `${r.method} ${r.path}`).sort(), [
      `GET /repos/${REPO}/commits/main/status`,
      `GET /repos/${REPO}/issues`,
      `GET /repos/${REPO}/pulls`,
      `POST /repos/${REPO}/statuses/${MAIN_SHA}`,
      `POST /repos/${REPO}/statuses/${sha(2)}`,
      `POST /repos/${REPO}/statuses/${sha(3)}`,
    ]);
    assert.match(
      opened.summary,
      /### Commit statuses \(`firebreak\/freeze`\)\n\n3 changed: .*; 1 already right; 3 open pull requests/,
    );

    // Resolved and closed: back to green, again only where it changed (not the hotfix).
    const closedIssue = await issuePayload(s, incident.number);
    s.store.updateIssue(s.store.ensureRepo(REPO), s.store.issue(REPO, incident.number)!, { state: 'closed' });
    const mark = s.requests.length;
    const closed = await runAction(s, {
      inputs: { mode: 'freeze', branches: 'main' },
      eventName: 'issues',
      event: issuesEvent('closed', { ...closedIssue, state: 'closed' }),
    });
    assert.equal(closed.code, 0, closed.stdout);
    assert.equal(closed.outputs['frozen'], 'false');
    assert.equal(statusOf(s, sha(2))?.state, 'success');
    assert.equal(statusOf(s, MAIN_SHA)?.state, 'success');
    assert.equal(statusOf(s, sha(3))?.state, 'failure', 'branches: main leaves the release pull request alone');
    assert.deepEqual(writes(s, mark).sort(), [
      `/repos/${REPO}/statuses/${MAIN_SHA}`,
      `/repos/${REPO}/statuses/${sha(2)}`,
    ]);

    // A label edit that changes nothing for the freeze writes nothing.
    const quiet = s.requests.length;
    const labelled = await runAction(s, {
      inputs: { mode: 'freeze' },
      eventName: 'issues',
      event: issuesEvent('labeled', await issuePayload(s, incident.number), { label: { name: 'customer-facing' } }),
    });
    assert.equal(labelled.code, 0, labelled.stdout);
    assert.deepEqual(writes(s, quiet), []);
  });

  it('a scheduled run with commit-status: true reconciles every pull request from its current status', async () => {
    const s = sandbox();
    s.store.setBranchDirect(REPO, 'main', MAIN_SHA);
    await new DeclareIncident(world(s).service()).run({ title: 'Payments down', severity: 'major' });
    s.store.createPullDirect(REPO, { title: 'Never marked', headSha: sha(5) });
    const run = await runAction(s, {
      inputs: { mode: 'freeze', 'commit-status': 'true' },
      eventName: 'schedule',
      event: { repository: { default_branch: 'main' } },
    });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(statusOf(s, sha(5))?.state, 'failure');
    const mark = s.requests.length;
    const again = await runAction(s, {
      inputs: { mode: 'freeze', 'commit-status': 'true' },
      eventName: 'schedule',
      event: { repository: { default_branch: 'main' } },
    });
    assert.equal(again.code, 0, again.stdout);
    assert.deepEqual(writes(s, mark), [], 'everything already right: nothing written');
  });

  describe('hotfix lane', () => {
    const pullRequest = (number: number, body: string, head: string) => ({
      pull_request: {
        number,
        title: 'Roll back the cache',
        body,
        html_url: `https://github.example/${REPO}/pull/${number}`,
        user: { login: 'octo-scribe' },
        head: { sha: head, ref: 'rollback' },
      },
      repository: { default_branch: 'main' },
    });

    it('a pull request that fixes a freezing incident passes that freeze only, recorded once across reruns', async () => {
      const s = sandbox();
      const service = world(s).service();
      const fixed = await new DeclareIncident(service).run({ title: 'Checkout down', severity: 'critical' });
      const other = await new DeclareIncident(service).run({ title: 'Search down', severity: 'critical' });
      const body = `Reverts the cache change.\n\nMitigates incident #${fixed.number}`;
      const blocked = await runAction(s, {
        inputs: { mode: 'freeze', 'commit-status': 'true' },
        eventName: 'pull_request',
        event: pullRequest(50, body, sha(6)),
      });
      assert.equal(blocked.code, 1, 'the other incident still freezes it');
      assert.match(errorOf(blocked), new RegExp(`^Deploys are frozen by #${other.number} `));
      assert.match(blocked.summary, /### Hotfix lane/);
      assert.deepEqual(statusOf(s, sha(6)), {
        state: 'failure',
        description: `Frozen by #${other.number} until resolved`,
      });

      await new ResolveIncident(service).run(other, 'Search is back.');
      for (let attempt = 0; attempt < 2; attempt++) {
        const run = await runAction(s, {
          inputs: { mode: 'freeze', 'commit-status': 'true' },
          eventName: 'pull_request',
          event: pullRequest(50, body, sha(6)),
        });
        assert.equal(run.code, 0, run.stdout);
        assert.equal(run.outputs['frozen'], 'false');
      }
      assert.deepEqual(statusOf(s, sha(6)), {
        state: 'success',
        description: `Hotfix for #${fixed.number}: passes its freeze`,
      });
      const entries = async (n: number) =>
        (await new ShowIncident(world(s).service()).run(n)).timeline.filter((e) => e.kind === 'hotfix');
      const hotfixes = await entries(fixed.number);
      assert.equal(hotfixes.length, 1, 'one hotfix entry, whatever the reruns');
      assert.deepEqual(
        {
          actor: (hotfixes[0] as { actor?: string }).actor,
          verb: (hotfixes[0] as { verb?: string }).verb,
          change: (hotfixes[0] as { change?: string }).change,
          ref: (hotfixes[0] as { ref?: string }).ref,
        },
        {
          actor: 'octo-scribe',
          verb: 'mitigates',
          change: `https://github.example/${REPO}/pull/50`,
          ref: 'rollback',
        },
      );
      assert.equal((await entries(other.number)).length, 0);
    });

    it('a pushed commit whose message says "Fixes incident #N" passes N’s freeze', async () => {
      const s = sandbox();
      const incident = await new DeclareIncident(world(s).service()).run({
        title: 'Checkout down',
        severity: 'critical',
      });
      const run = await runAction(s, {
        inputs: { mode: 'freeze' },
        eventName: 'push',
        event: { commits: [{ message: `Fix the pool size\n\nFixes incident #${incident.number}` }] },
      });
      assert.equal(run.code, 0, run.stdout);
      const comments = s.store.comments(REPO, incident.number);
      assert.equal(comments.filter((c) => c.body.includes('"kind":"hotfix"')).length, 1);
    });
  });
});
