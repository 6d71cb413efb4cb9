import assert from 'node:assert/strict';
import { readMarker } from '../../core/domain/event-log';
import { FollowUps, followUpLockName, renderFollowUpReport } from '../../core/use-cases/follow-ups';
import { createGitHubClient } from '../../core/github/github-client';
import { OctokitIssueGateway } from '../../core/github/issue-gateway';
import { parseRetroChecklist } from '../../core/domain/retro-checklist';
import { useSandbox } from '../sandbox/support';
import { REPO, requestsTo, world, type World } from './world';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';
import { Retro } from '../../core/use-cases/retro';

const RETRO = [
  '# Retro: Checkout 500s',
  '',
  '## Action items',
  '- [ ] Add an alert on queue depth @octo-lead due:2026-12-01 priority:P1 type:detective',
  '- [ ] Document the rollback @outside-person',
  '- [x] Roll back the deploy',
  '- [ ] Broken line due:someday',
  '```',
  '- [ ] Not an item: in a code block',
  '```',
].join('\n');

describe('follow-ups', () => {
  const sandbox = useSandbox();

  async function incidentWithRetro(w: World, retro = RETRO): Promise<number> {
    const service = w.service();
    const incident = await new DeclareIncident(service).run({ title: 'Checkout 500s', severity: 'major' });
    await new ResolveIncident(service).run(incident);
    await new Retro(service).post(incident.number, retro);
    return incident.number;
  }

  function followUpIssues() {
    return sandbox()
      .store.issues(REPO)
      .filter((i) =>
        sandbox()
          .store.issueLabels(sandbox().store.ensureRepo(REPO), i)
          .some((l) => l.name === 'follow-up'),
      );
  }

  it('opens one issue per unchecked item, linked to the incident, and annotates the checklist', async () => {
    const w = world(sandbox());
    const number = await incidentWithRetro(w);
    const result = await new FollowUps(w).run(number);

    assert.equal(result.created.length, 2);
    assert.equal(result.checked, 1);
    assert.deepEqual(
      result.problems.map((p) => [p.line, p.message]),
      [[10, 'due:someday is not a date; write due:YYYY-MM-DD']],
    );
    const [alert, docs] = result.created;
    const store = sandbox().store;
    const alertIssue = store.issue(REPO, alert?.number ?? 0);
    assert.equal(alertIssue?.title, 'Add an alert on queue depth');
    assert.deepEqual(alertIssue?.assignees, ['octo-lead']);
    assert.match(
      alertIssue?.body ?? '',
      /Follow-up from incident \[#1\]\(.*\/acme\/shop\/issues\/1\): \*\*Checkout 500s\*\*/,
    );
    assert.match(alertIssue?.body ?? '', /\| \*\*Due\*\* \| 2026-12-01 \|/);
    assert.equal(readMarker(alertIssue?.body ?? '', 'follow-up')?.['incident'], number);
    // Not a collaborator: mentioned, not assigned.
    const docsIssue = store.issue(REPO, docs?.number ?? 0);
    assert.deepEqual(docsIssue?.assignees, []);
    assert.match(docsIssue?.body ?? '', /@outside-person _\(could not be assigned/);
    assert.equal(docs?.assigned, false);

    const parent = store.issue(REPO, number);
    assert.deepEqual(parent?.subIssueIds, [alertIssue?.id, docsIssue?.id]);
    const retroComment = store.comments(REPO, number).find((c) => c.body.includes('Action items'));
    assert.match(
      retroComment?.body ?? '',
      new RegExp(
        `queue depth @octo-lead due:2026-12-01 priority:P1 type:detective \\(#${alert?.number}\\) <!-- firebreak:retro-item`,
      ),
    );
    assert.match(retroComment?.body ?? '', new RegExp(`@outside-person \\(#${docs?.number}\\)`));
    assert.equal(result.annotated, 2);
  });

  it('a rerun creates nothing and writes nothing', async () => {
    const w = world(sandbox());
    const number = await incidentWithRetro(w);
    await new FollowUps(w).run(number);
    sandbox().resetStats();
    const again = await new FollowUps(w).run(number);
    assert.deepEqual(again.created, []);
    assert.equal(again.existing.length, 2);
    assert.equal(sandbox().requests.filter((r) => r.method !== 'GET').length, 0);
    assert.equal(followUpIssues().length, 2);
  });

  it('an edited retro creates only the new item, even when existing lines changed owner or wording', async () => {
    const w = world(sandbox());
    const number = await incidentWithRetro(w);
    await new FollowUps(w).run(number);
    const store = sandbox().store;
    const comment = store.comments(REPO, number).find((c) => c.body.includes('Action items'));
    assert.ok(comment);
    // Edit what people see (below the marker line), as on GitHub.
    const [markerLine, ...visible] = comment.body.split('\n');
    const edited = visible
      .join('\n')
      .replace('Add an alert on queue depth @octo-lead', 'Add an alert on queue depth and lag @octo-comms')
      .replace('- [x] Roll back', '- [ ] Load-test the checkout @octo-scribe\n- [x] Roll back');
    store.updateComment(store.ensureRepo(REPO), comment, `${markerLine}\n${edited}`);
    const result = await new FollowUps(w).run(number);
    assert.deepEqual(
      result.created.map((c) => c.text),
      ['Load-test the checkout'],
    );
    assert.equal(followUpIssues().length, 3);
  });

  it('reads the incident description too, and ignores action items from people without write access', async () => {
    const w = world(sandbox());
    const issue = sandbox().store.createIssueDirect(REPO, {
      title: 'Outage',
      body: '### Severity\n\nmajor\n\n## Follow-ups\n- [ ] Add a runbook',
      labels: ['incident'],
      author: 'octo-lead',
    });
    sandbox().store.createCommentDirect(REPO, issue.number, {
      body: '## Action items\n- [ ] Give me admin',
      author: 'drive-by',
      authorAssociation: 'NONE',
    });
    const result = await new FollowUps(w).run(issue.number);
    assert.deepEqual(
      result.created.map((c) => c.text),
      ['Add a runbook'],
    );
    assert.equal(result.untrustedSources, 1);
    assert.match(
      sandbox().store.issue(REPO, issue.number)?.body ?? '',
      /- \[ \] Add a runbook \(#2\) <!-- firebreak:retro-item/,
    );
  });

  /** A second client, as a second workflow run would be (the Action's token unless told). */
  function otherGateway(token = 'sandbox-actions-token'): OctokitIssueGateway {
    return new OctokitIssueGateway(
      { owner: 'acme', name: 'shop' },
      createGitHubClient({ token, baseUrl: sandbox().url, writeSpacingMs: 0, retryBaseMs: 5 }),
      sandbox().webUrl,
    );
  }

  /** Notifications about follow-up issues that were closed as duplicates: what racing runs cost people. */
  function duplicateNotifications(): number {
    const duplicates = new Set(
      followUpIssues()
        .filter((i) => i.state === 'closed' && i.state_reason === 'duplicate')
        .map((i) => i.number),
    );
    return sandbox().store.notifications.filter((n) => duplicates.has(n.issue)).length;
  }

  function retroChecklist(number: number) {
    const retro =
      sandbox()
        .store.comments(REPO, number)
        .find((c) => c.body.includes('Action items'))?.body ?? '';
    return parseRetroChecklist(retro).items.filter((i) => !i.checked);
  }

  const fastLock = { pollMs: 20, heartbeatMs: 50, leaseMs: 400, maxWaitMs: 5000 };

  it('two concurrent runs create one issue per item and no duplicate: the one that waited for the lock finds them', async () => {
    const w = world(sandbox());
    const number = await incidentWithRetro(w);
    sandbox().setLatency(30);
    const [a, b] = await Promise.all([
      new FollowUps(w).run(number, { lock: fastLock }),
      new FollowUps({ ...w, gateway: otherGateway() }).run(number, { lock: fastLock }),
    ]);
    sandbox().setLatency(0);

    const issues = followUpIssues();
    assert.deepEqual(issues.map((i) => [i.title, i.state]).sort(), [
      ['Add an alert on queue depth', 'open'],
      ['Document the rollback', 'open'],
    ]);
    assert.deepEqual([a.duplicatesClosed, b.duplicatesClosed], [[], []]);
    assert.equal(duplicateNotifications(), 0);
    assert.equal(
      sandbox().store.notifications.filter((n) => n.reason === 'opened' && issues.some((i) => i.number === n.issue))
        .length,
      2,
      'one "opened" notification per follow-up',
    );
    // One run created both; the other waited, listed again under the lock and found them.
    assert.deepEqual([a.created.length, b.created.length].sort(), [0, 2]);
    assert.equal((a.created.length ? b : a).existing.length, 2);
    assert.ok(
      sandbox().requests.some((r) => r.method === 'POST' && r.path === `/repos/${REPO}/labels` && r.status === 422),
      'both runs wanted the lock at once: the race this test is about happened',
    );
    assert.deepEqual(
      sandbox()
        .store.labels(REPO)
        .filter((l) => l.name.startsWith('firebreak-lock')),
      [],
      'released',
    );
    assert.deepEqual(sandbox().store.issue(REPO, number)?.subIssueIds.sort(), issues.map((i) => i.id).sort());
    assert.deepEqual(
      retroChecklist(number)
        .map((i) => i.tracked)
        .sort(),
      issues.map((i) => i.number).sort(),
    );
  });

  it('runs that cannot take the lock (a token refused label writes) still leave one open follow-up per item', async () => {
    const w = world(sandbox());
    const number = await incidentWithRetro(w);
    // A token whose permissions cover issues but not labels (e.g. a narrowly scoped app token): the lock is refused.
    sandbox().failNext('forbidden', 2, { method: 'POST', pathIncludes: '/labels' });
    sandbox().setLatency(30);
    const [a, b] = await Promise.all([
      new FollowUps({ ...w, gateway: otherGateway('sandbox-actions-token') }).run(number),
      new FollowUps({ ...w, gateway: otherGateway('sandbox-actions-token') }).run(number),
    ]);
    sandbox().setLatency(0);

    for (const result of [a, b]) assert.match(result.warnings.join('\n'), /Ran without the lock that keeps runs apart/);
    const issues = followUpIssues();
    const open = issues.filter((i) => i.state === 'open');
    assert.deepEqual(open.map((i) => i.title).sort(), ['Add an alert on queue depth', 'Document the rollback']);
    for (const closed of issues.filter((i) => i.state === 'closed')) {
      assert.equal(closed.state_reason, 'duplicate');
      const note = sandbox().store.comments(REPO, closed.number)[0];
      const keeper = open.find((i) => i.title === closed.title);
      assert.ok(keeper && keeper.number < closed.number);
      assert.match(note?.body ?? '', new RegExp(`Duplicate of #${keeper.number}`));
    }
    assert.equal(a.duplicatesClosed.length + b.duplicatesClosed.length, issues.length - 2);
    assert.ok(issues.length > 2, 'both runs created their own copies: the race the fallback is for happened');
    assert.ok(duplicateNotifications() > 0, 'which is what the lock saves people from');
    assert.deepEqual(sandbox().store.issue(REPO, number)?.subIssueIds.sort(), open.map((i) => i.id).sort());
  });

  describe('a lock left by a run that died', () => {
    const lockName = (number: number) => followUpLockName(number);
    const leave = (number: number, description: string) =>
      sandbox().store.createLabelDirect(REPO, { name: lockName(number), description });

    it('is taken over at once when it says it was last alive long ago', async () => {
      const w = world(sandbox());
      const number = await incidentWithRetro(w);
      leave(number, `Firebreak lock: the follow-ups of #${number} run=dead at=2026-01-01T00:00:00Z`);
      const started = Date.now();
      const result = await new FollowUps(w).run(number, { lock: { ...fastLock, leaseMs: 60_000 } });
      assert.ok(Date.now() - started < 5000);
      assert.equal(result.created.length, 2);
      assert.equal(sandbox().store.label(sandbox().store.ensureRepo(REPO), lockName(number)), undefined);
    });

    it('is taken over when it shows no life for the lease, whatever its clock says', async () => {
      const w = world(sandbox());
      const number = await incidentWithRetro(w);
      const future = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      leave(number, `Firebreak lock: the follow-ups of #${number} run=dead at=${future}`);
      const started = Date.now();
      const result = await new FollowUps(w).run(number, { lock: fastLock });
      assert.ok(Date.now() - started >= fastLock.leaseMs, 'waited for the lease');
      assert.equal(result.created.length, 2);
      assert.equal(followUpIssues().length, 2);
    });

    it('is taken up again at once by a rerun with the same run key, and the rerun creates what is missing', async () => {
      const w = world(sandbox());
      const number = await incidentWithRetro(w);
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      leave(number, `Firebreak lock: the follow-ups of #${number} run=run-77-job at=${now}`);
      const started = Date.now();
      const result = await new FollowUps(w).run(number, {
        runKey: 'run-77-job',
        lock: { ...fastLock, leaseMs: 60_000 },
      });
      assert.ok(Date.now() - started < 5000, 'no wait for its own lock');
      assert.equal(result.created.length, 2);
      assert.equal(sandbox().store.label(sandbox().store.ensureRepo(REPO), lockName(number)), undefined);
    });

    it("a lock whose create GitHub applied but answered with a 502 is the run's own: no wait", async () => {
      const w = world(sandbox());
      const number = await incidentWithRetro(w);
      sandbox().failNext('applied-502', 1, { method: 'POST', pathIncludes: `/repos/${REPO}/labels` });
      const result = await new FollowUps(w).run(number, { lock: { ...fastLock, leaseMs: 60_000 } });
      assert.ok(sandbox().requests.some((r) => r.fault === 'applied-502' && r.path === `/repos/${REPO}/labels`));
      assert.equal(result.created.length, 2);
      assert.equal(sandbox().store.label(sandbox().store.ensureRepo(REPO), lockName(number)), undefined);
    });

    it('a lock that keeps showing life is waited for, then reported with the label to delete', async () => {
      const w = world(sandbox());
      const number = await incidentWithRetro(w);
      const label = leave(number, 'x');
      let beat = 0;
      const alive = setInterval(() => {
        sandbox().store.updateLabel(label, {
          description: `Firebreak lock: the follow-ups of #${number} run=busy at=2030-01-01T00:00:${String(beat++ % 60).padStart(2, '0')}Z`,
        });
      }, 50);
      try {
        await assert.rejects(
          new FollowUps(w).run(number, { lock: { ...fastLock, maxWaitMs: 600 } }),
          (error: Error) =>
            /Another Firebreak run \(run busy\) is still working on the follow-ups of #\d+/.test(error.message) &&
            (error as { hint?: string }).hint?.includes(`delete the label "${lockName(number)}"`) === true,
        );
      } finally {
        clearInterval(alive);
      }
      assert.equal(followUpIssues().length, 0);
    });
  });

  it('a create that GitHub applied but answered with a 502 is not created again', async () => {
    const w = world(sandbox());
    const number = await incidentWithRetro(w);
    sandbox().failNext('applied-502', 1, { method: 'POST', pathIncludes: `/repos/${REPO}/issues` });
    const result = await new FollowUps(w).run(number);
    assert.ok(
      sandbox().requests.some(
        (r) => r.fault === 'applied-502' && r.method === 'POST' && r.path === `/repos/${REPO}/issues`,
      ),
    );
    assert.equal(result.created.length, 2);
    assert.equal(followUpIssues().length, 2);
  });

  it('parses the retro document Firebreak drafts: its example item is a prompt, not a follow-up', async () => {
    const w = world(sandbox());
    const service = w.service();
    const incident = await new DeclareIncident(service).run({
      title: 'Checkout 500s',
      severity: 'major',
      lead: 'octo-lead',
    });
    const draft = await new Retro(service).draft(incident.number);
    const parsed = parseRetroChecklist(draft);
    assert.equal(parsed.hasSection, true);
    assert.deepEqual(parsed.items, []);
    assert.deepEqual(
      parsed.problems.map((p) => p.message),
      ["the draft's example item is not tracked; describe the follow-up, or delete the line"],
    );
  });

  it('a dry run reports what it would create and writes nothing', async () => {
    const w = world(sandbox());
    const number = await incidentWithRetro(w);
    sandbox().resetStats();
    const result = await new FollowUps(w).run(number, { dryRun: true });
    assert.equal(result.created.length, 2);
    assert.equal(requestsTo(sandbox(), 'POST') + requestsTo(sandbox(), 'PATCH'), 0);
    assert.match(
      renderFollowUpReport(result),
      /_\(dry run\)_ \| Add an alert on queue depth \| @octo-lead \|[\s\S]*_\(dry run\)_ \| Document the rollback \| @outside-person \(mentioned; not assignable\) \|/,
    );
  });

  it('refuses an issue that is not an incident', async () => {
    const w = world(sandbox());
    const issue = sandbox().store.createIssueDirect(REPO, { title: 'Feature request' });
    await assert.rejects(new FollowUps(w).run(issue.number), /acme\/shop#1 is not an incident/);
  });

  it('the report lists created issues and the lines that need fixing', async () => {
    const w = world(sandbox());
    const number = await incidentWithRetro(w);
    const report = renderFollowUpReport(await new FollowUps(w).run(number));
    assert.match(report, /Created 2 follow-ups:/);
    assert.match(report, /\| \[#2\]\(.*\) \| Add an alert on queue depth \| @octo-lead \|/);
    assert.match(report, /### ⚠️ 1 line not tracked: please fix/);
    assert.match(
      report,
      /\[comment\]\(.*#issuecomment-\d+\) \| 10 \| `- \[ \] Broken line due:someday` \| due:someday is not a date/,
    );
  });
});
