// Required checks that flip by themselves (`firebreak/freeze` commit statuses) and the hotfix lane, through the
// built Action against the sandbox: an incident's issues events flip the status of every open pull request and the
// default branch where it changes, and only there; a pull request that fixes the incident passes that freeze.
import assert from 'node:assert/strict';
import type { Sandbox } from '../../sandbox/server';
import { call, type Json } from '../sandbox/support';
import { useSandbox } from '../sandbox/support';
import { world } from '../core/world';
import { buildAction, errorOf, REPO, runAction, TOKEN, type ActionRun } from './support';
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

  /** A scheduled reconcile: reads every pull request's status and writes the record on the default branch. */
  const reconcile = (s: Sandbox) =>
    runAction(s, {
      inputs: { mode: 'freeze', 'commit-status': 'true' },
      eventName: 'schedule',
      event: { repository: { default_branch: 'main' } },
    });

  it('an issues event flips firebreak/freeze on every open pull request and the default branch, writing only changes', async () => {
    const s = sandbox();
    s.store.setBranchDirect(REPO, 'main', MAIN_SHA);
    s.store.createPullDirect(REPO, { title: 'Feature A', headSha: sha(2) });
    s.store.createPullDirect(REPO, { title: 'Feature B', headSha: sha(3), baseRef: 'release' });
    const hotfix = s.store.createPullDirect(REPO, {
      title: 'Roll back the cache',
      body: 'Fixes incident #4',
      author: 'octo-scribe',
      headSha: sha(4),
    });
    // Before: everything green and recorded so while nothing froze.
    assert.equal((await reconcile(s)).code, 0);
    assert.equal(statusOf(s, sha(4))?.description, 'No active incident freezes merges');
    const incident = await new DeclareIncident(world(s).service()).run({
      title: 'Checkout down',
      severity: 'critical',
    });
    assert.equal(incident.number, 4);

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
    assert.deepEqual(statusOf(s, MAIN_SHA), {
      state: 'failure',
      description: `Frozen by #${incident.number} until resolved (open pull requests updated)`,
    });
    // The hotfix stays green: its state did not change, so it was not written; its pass is recorded once.
    assert.equal(statusOf(s, sha(4))?.description, 'No active incident freezes merges');
    const hotfixEntries = () =>
      s.store.comments(REPO, incident.number).filter((c) => c.body.includes('"kind":"hotfix"')).length;
    assert.equal(hotfixEntries(), 1);
    assert.deepEqual(writes(s, before).sort(), [
      `/repos/${REPO}/issues/${incident.number}/comments`,
      `/repos/${REPO}/statuses/${MAIN_SHA}`,
      `/repos/${REPO}/statuses/${MAIN_SHA}`,
      `/repos/${REPO}/statuses/${sha(2)}`,
      `/repos/${REPO}/statuses/${sha(3)}`,
    ]);
    assert.match(
      opened.summary,
      /### Commit statuses \(`firebreak\/freeze`\)\n\n3 changed: .*; 1 already right; 3 open pull requests/,
    );
    assert.equal(hotfix.number, 3);

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
      `/repos/${REPO}/statuses/${MAIN_SHA}`,
      `/repos/${REPO}/statuses/${sha(2)}`,
    ]);
    assert.equal(hotfixEntries(), 1);

    // An event that changes nothing for the freeze reads the incidents and the record, and writes nothing.
    const quiet = s.requests.length;
    const labelled = await runAction(s, {
      inputs: { mode: 'freeze' },
      eventName: 'issues',
      event: issuesEvent('labeled', await issuePayload(s, incident.number), { label: { name: 'customer-facing' } }),
    });
    assert.equal(labelled.code, 0, labelled.stdout);
    assert.deepEqual(writes(s, quiet), []);
    assert.deepEqual(
      s.requests
        .slice(quiet)
        .filter((r) => r.token === TOKEN)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
      [`GET /repos/${REPO}/commits/main/status`, `GET /repos/${REPO}/issues`],
    );
  });

  describe('whatever part of a burst GitHub delivers', () => {
    it('after a critical declare, the burst’s last event alone (labeled role:lead) turns open pull requests red', async () => {
      const s = sandbox();
      s.store.setBranchDirect(REPO, 'main', MAIN_SHA);
      s.store.createPullDirect(REPO, { title: 'Feature A', headSha: sha(2) });
      s.store.createPullDirect(REPO, { title: 'Feature B', headSha: sha(3) });
      assert.equal((await reconcile(s)).code, 0);
      assert.equal(statusOf(s, sha(2))?.state, 'success');
      const incident = await new DeclareIncident(world(s).service()).run({
        title: 'Checkout down',
        severity: 'critical',
      });
      // GitHub sent opened, labeled incident, labeled sev:critical, labeled role:lead; only the last one ran.
      const run = await runAction(s, {
        inputs: { mode: 'freeze' },
        eventName: 'issues',
        event: issuesEvent('labeled', await issuePayload(s, incident.number), { label: { name: 'role:lead' } }),
      });
      assert.equal(run.code, 0, run.stdout);
      assert.equal(run.outputs['frozen'], 'true');
      assert.deepEqual(
        [statusOf(s, sha(2))?.state, statusOf(s, sha(3))?.state, statusOf(s, MAIN_SHA)?.state],
        ['failure', 'failure', 'failure'],
      );
    });

    it('after a resolve, the burst’s last event alone (closed) turns open pull requests green', async () => {
      const s = sandbox();
      s.store.setBranchDirect(REPO, 'main', MAIN_SHA);
      s.store.createPullDirect(REPO, { title: 'Feature A', headSha: sha(2) });
      const service = world(s).service();
      const incident = await new DeclareIncident(service).run({ title: 'Checkout down', severity: 'critical' });
      const opened = await runAction(s, {
        inputs: { mode: 'freeze' },
        eventName: 'issues',
        event: issuesEvent('opened', await issuePayload(s, incident.number)),
      });
      assert.equal(opened.code, 0, opened.stdout);
      assert.equal(statusOf(s, sha(2))?.state, 'failure');
      await new ResolveIncident(service).run(incident, 'The cache is back.');
      // The resolve's labeled and unlabeled runs were cancelled while pending; closed ran, late.
      const run = await runAction(s, {
        inputs: { mode: 'freeze' },
        eventName: 'issues',
        event: issuesEvent('closed', await issuePayload(s, incident.number)),
      });
      assert.equal(run.code, 0, run.stdout);
      assert.equal(run.outputs['frozen'], 'false');
      assert.deepEqual([statusOf(s, sha(2))?.state, statusOf(s, MAIN_SHA)?.state], ['success', 'success']);
    });

    it('a run that died after flipping some pull requests is finished by the next, whatever it decides', async () => {
      const s = sandbox();
      s.store.setBranchDirect(REPO, 'main', MAIN_SHA);
      for (const n of [2, 3, 5]) s.store.createPullDirect(REPO, { title: `Feature ${n}`, headSha: sha(n) });
      assert.equal((await reconcile(s)).code, 0);
      const service = world(s).service();
      const first = await new DeclareIncident(service).run({ title: 'Checkout down', severity: 'critical' });
      // The declare's run flips one pull request, then dies on the next write (no retries).
      s.failNext('http500', 1, { method: 'POST', pathIncludes: `/statuses/${sha(3)}` });
      const died = await runAction(s, {
        inputs: { mode: 'freeze', 'api-retries': '0' },
        eventName: 'issues',
        event: issuesEvent('opened', await issuePayload(s, first.number)),
      });
      assert.notEqual(died.code, 0);
      const flipped = [2, 3, 5].filter((n) => statusOf(s, sha(n))?.state === 'failure');
      assert.equal(flipped.length, 1, 'one pull request flipped before the run died');
      assert.equal(statusOf(s, sha(3))?.state, 'success');
      assert.equal(statusOf(s, MAIN_SHA)?.state, 'pending', 'the record says flips were in flight');
      // Resolved before the next run: the last record (not frozen) equals the decision, yet the flipped one is red.
      await new ResolveIncident(service).run(first, 'False alarm.');
      const next = await runAction(s, {
        inputs: { mode: 'freeze' },
        eventName: 'issues',
        event: issuesEvent('closed', await issuePayload(s, first.number)),
      });
      assert.equal(next.code, 0, next.stdout);
      assert.deepEqual(
        [2, 3, 5].map((n) => statusOf(s, sha(n))?.state),
        ['success', 'success', 'success'],
      );
      assert.equal(statusOf(s, MAIN_SHA)?.state, 'success');
    });
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
        head: { sha: head, ref: 'rollback', repo: { full_name: REPO, fork: false } },
        base: { ref: 'main', repo: { full_name: REPO, fork: false } },
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

    /** The gate (pull_request_target) and the status sync (an issues event) on one pull request's claim. */
    async function bothPaths(
      s: Sandbox,
      pull: { author: string; title?: string; body: string; fork?: string },
    ): Promise<{ gate: ActionRun; sync: ActionRun; entries: number; incident: number }> {
      s.store.setBranchDirect(REPO, 'main', MAIN_SHA);
      const incident = await new DeclareIncident(world(s).service()).run({
        title: 'Checkout down',
        severity: 'critical',
      });
      const body = pull.body.replaceAll('#N', `#${incident.number}`);
      const title = (pull.title ?? 'Roll back the cache').replaceAll('#N', `#${incident.number}`);
      const created = s.store.createPullDirect(REPO, {
        title,
        body,
        author: pull.author,
        headSha: sha(7),
        headRef: 'rollback',
        ...(pull.fork ? { headRepo: pull.fork } : {}),
      });
      const repo = (fullName: string, fork: boolean) => ({ full_name: fullName, fork });
      const gate = await runAction(s, {
        inputs: { mode: 'freeze' },
        eventName: 'pull_request_target',
        event: {
          pull_request: {
            number: created.number,
            title,
            body,
            html_url: `https://github.example/${REPO}/pull/${created.number}`,
            user: { login: pull.author },
            author_association: pull.author === 'octo-scribe' ? 'MEMBER' : 'NONE',
            head: { sha: sha(7), ref: 'rollback', repo: repo(pull.fork ?? REPO, pull.fork !== undefined) },
            base: { ref: 'main', repo: repo(REPO, false) },
          },
          repository: { default_branch: 'main' },
        },
      });
      const sync = await runAction(s, {
        inputs: { mode: 'freeze' },
        eventName: 'issues',
        event: issuesEvent('opened', await issuePayload(s, incident.number)),
      });
      assert.equal(sync.code, 0, sync.stdout);
      const entries = s.store.comments(REPO, incident.number).filter((c) => c.body.includes('"kind":"hotfix"')).length;
      return { gate, sync, entries, incident: incident.number };
    }

    const untrusted: [string, { author: string; title?: string; body: string; fork?: string }][] = [
      [
        'a fork’s pull request by someone without push access',
        { author: 'drive-by', body: 'Fixes incident #N', fork: 'drive-by/shop' },
      ],
      [
        'a writer’s pull request from a fork',
        { author: 'octo-scribe', body: 'Fixes incident #N', fork: 'octo-scribe/shop' },
      ],
      ['a reader’s pull request from a branch', { author: 'reader', body: 'Fixes incident #N' }],
      [
        'a claim hidden in an HTML comment',
        { author: 'octo-scribe', body: 'Tidies up.\n\n<!-- Fixes incident #N -->' },
      ],
      [
        'a claim in a code span of the title',
        { author: 'octo-scribe', title: 'Document `Fixes incident #N`', body: '' },
      ],
      ['a claim in a fenced code block', { author: 'octo-scribe', body: '```\nFixes incident #N\n```' }],
    ];
    for (const [what, pull] of untrusted) {
      it(`${what} passes no freeze on either path and records nothing`, async () => {
        const s = sandbox();
        s.store.addUser({ login: 'drive-by', permission: 'none' });
        s.store.addUser({ login: 'reader', permission: 'read' });
        const { gate, sync, entries, incident } = await bothPaths(s, pull);
        assert.equal(gate.code, 1, gate.stdout);
        assert.equal(gate.outputs['frozen'], 'true');
        assert.match(errorOf(gate), new RegExp(`^Deploys are frozen by #${incident} `));
        assert.equal(statusOf(s, sha(7))?.state, 'failure', sync.stdout);
        assert.equal(entries, 0);
      });
    }

    it('a writer’s claim from a branch of the repository passes on both paths, recorded once', async () => {
      const s = sandbox();
      const { gate, entries, incident } = await bothPaths(s, {
        author: 'octo-scribe',
        body: 'Reverts the cache.\n\nFixes incident #N',
      });
      assert.equal(gate.code, 0, gate.stdout);
      assert.equal(gate.outputs['frozen'], 'false');
      assert.deepEqual(statusOf(s, sha(7)), {
        state: 'success',
        description: `Hotfix for #${incident}: passes its freeze`,
      });
      assert.equal(entries, 1, 'the gate and the status sync record the same entry');
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
        event: {
          commits: [{ message: `Fix the pool size\n\nFixes incident #${incident.number}` }],
          head_commit: {
            message: `Fix the pool size\n\nFixes incident #${incident.number}`,
            author: { username: 'octo-scribe' },
          },
        },
      });
      assert.equal(run.code, 0, run.stdout);
      const comments = s.store.comments(REPO, incident.number);
      assert.equal(comments.filter((c) => c.body.includes('"kind":"hotfix"')).length, 1);
    });
  });
});
