import assert from 'node:assert/strict';
import { parseConfig } from '../../core/domain/config';
import { GitHubError, InputError } from '../../core/domain/errors';
import { formatMarker } from '../../core/domain/event-log';
import type { Sandbox } from '../../sandbox/server';
import { countRequests, REPO, serviceFor, useSandbox } from '../support/sandbox';
import { AssignRole } from '../../core/use-cases/assign-role';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { ChangeStatus } from '../../core/use-cases/change-status';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ListIncidents } from '../../core/use-cases/list-incidents';
import { LogEntry } from '../../core/use-cases/log-entry';
import { PostUpdate } from '../../core/use-cases/post-update';
import { RepairIncident } from '../../core/use-cases/repair-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';
import { ShowIncident } from '../../core/use-cases/show-incident';

const slug = `${REPO.owner}/${REPO.name}`;

function issueIn(sandbox: Sandbox, number: number, fullName = slug) {
  const issue = sandbox.store.issue(fullName, number);
  assert.ok(issue, `issue ${fullName}#${number} exists`);
  const repo = sandbox.store.repo(fullName);
  assert.ok(repo);
  return { ...issue, labels: sandbox.store.issueLabels(repo, issue).map((l) => l.name) };
}

describe('incident use cases against the sandbox', () => {
  const sandboxRef = useSandbox();
  const sandbox = () => sandboxRef.get();

  it('declaring is one request that creates the issue with labels, lead assignee and body', async () => {
    const { service } = serviceFor(sandbox());
    const { result: incident, requests } = await countRequests(sandbox(), () =>
      new DeclareIncident(service).run({
        title: 'Checkout returns 500s',
        severity: 'major',
        description: 'Payments fail.',
        lead: 'octo-lead',
      }),
    );
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.method, 'POST');
    const issue = issueIn(sandbox(), incident.number);
    assert.deepEqual([...issue.labels].sort(), ['incident', 'role:lead', 'severity:major', 'status:declared']);
    assert.deepEqual(issue.assignees, ['octo-lead']);
    assert.match(issue.body ?? '', /^<!-- firebreak:incident /);
    assert.equal(incident.severity, 'major');
    assert.equal(incident.roles['lead'], 'octo-lead');
    assert.equal(incident.status, 'declared');
  });

  it('a lead who cannot be assigned still gets the incident declared, named in the body', async () => {
    const { service } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'Outside lead', lead: 'not-a-collaborator' });
    assert.equal(incident.roles['lead'], 'not-a-collaborator');
    assert.deepEqual(incident.assignees, []);
  });

  it('rejects bad input with a message that says what to fix', async () => {
    const { service } = serviceFor(sandbox());
    await assert.rejects(
      new DeclareIncident(service).run({ title: '   ' }),
      (e: unknown) => e instanceof InputError && /needs a title/.test(e.message),
    );
    await assert.rejects(
      new DeclareIncident(service).run({ title: 'x', severity: 'apocalyptic' }),
      (e: unknown) => e instanceof InputError && /critical, major, minor, triage/.test(e.hint ?? ''),
    );
    await assert.rejects(new DeclareIncident(service).run({ title: 'x', lead: 'not a login!' }), InputError);
    await assert.rejects(
      new DeclareIncident(service).run({ title: 'x', private: true }),
      (e: unknown) => e instanceof InputError && /private-repository/.test(e.hint ?? ''),
    );
  });

  it('logging an entry is one request; a change sends its writes together, then reads once to check', async () => {
    const { service } = serviceFor(sandbox());
    let incident = await new DeclareIncident(service).run({ title: 'Budget check' });
    const logged = await countRequests(sandbox(), () =>
      new LogEntry(service).run(incident, { kind: 'observation', text: 'Error rate 40%' }),
    );
    // + GitHub's permission for the writer, once per process, sent with the comment (no round trip).
    assert.equal(logged.requests.length, 1 + 1);
    // Labels are added (POST) and removed (DELETE) one at a time, never written back as a set the edge read: a
    // severity or status change swaps one label (2 requests), a first comms holder adds role:comms (1).
    const swap = ['DELETE', 'PATCH', 'POST', 'POST'];
    for (const [change, methods, lookup] of [
      [() => new ChangeSeverity(service).run(incident, 'critical'), swap, 0],
      [() => new AssignRole(service).run(incident, 'comms', 'octo-comms'), ['PATCH', 'POST', 'POST'], 1],
      [() => new PostUpdate(service).run(incident, { text: 'Rolled back', status: 'monitoring' }), swap, 0],
      [() => new ChangeStatus(service).run(incident, 'identified'), swap, 0],
    ] as const) {
      const { result, requests } = await countRequests(sandbox(), change);
      // The comment and the view writes (body, labels), together; no read before the answer but, for a role given to
      // someone new to the incident, GitHub's word that the login is a user (GET /users/{username}), asked first.
      const lookups = requests.filter((r) => r.path.startsWith('/users/'));
      assert.equal(lookups.length, lookup);
      assert.deepEqual(
        requests
          .filter((r) => !lookups.includes(r))
          .map((r) => r.method)
          .sort(),
        methods,
      );
      // Then one read, and one more for the comments the incident held here does not count (the log entry).
      const check = await countRequests(sandbox(), () => service.settle());
      assert.deepEqual(
        check.requests.map((r) => r.method),
        ['GET', 'GET'],
      );
      incident = result;
    }
    assert.equal(incident.severity, 'critical');
    assert.equal(incident.roles['comms'], 'octo-comms');
    assert.equal(incident.status, 'identified');
    const { labels, assignees } = issueIn(sandbox(), incident.number);
    assert.ok(labels.includes('severity:critical') && !labels.includes('severity:triage'));
    assert.ok(labels.includes('role:comms') && labels.includes('status:identified'));
    assert.deepEqual([...assignees].sort(), ['firebreak-dev', 'octo-comms']);
  });

  it('handing over a held role records a handoff; the folded incident shows the new holder', async () => {
    const { service } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'Handoff' });
    await new AssignRole(service).run(incident, 'lead', 'octo-lead', 'End of shift');
    const shown = await new ShowIncident(service).run(incident.number);
    assert.equal(shown.roles['lead'], 'octo-lead');
    const handoff = shown.timeline.find((e) => e.kind === 'handoff');
    assert.deepEqual(handoff && { from: handoff.from, to: handoff.to, note: handoff.note }, {
      from: 'firebreak-dev',
      to: 'octo-lead',
      note: 'End of shift',
    });
  });

  it('resolving closes the issue as completed and records the milestones; reopening opens it', async () => {
    const { service } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'Resolve me' });
    const resolved = await new ResolveIncident(service).run(incident, 'All good');
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.open, false);
    assert.ok(resolved.timestamps.resolved && resolved.timestamps.mitigated);
    const issue = issueIn(sandbox(), incident.number);
    assert.equal(issue.state, 'closed');
    assert.equal(issue.state_reason, 'completed');
    const reopened = await new ResolveIncident(service).reopen(incident.number, 'It is back');
    assert.equal(reopened.open, true);
    assert.equal(reopened.status, 'investigating');
  });

  it('showing an incident with 150 entries takes the issue plus two comment pages', async () => {
    const { service } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'Long timeline' });
    for (let i = 0; i < 150; i++) await new LogEntry(service).run(incident, { kind: 'action', text: `step ${i}` });
    const { result, requests } = await countRequests(sandbox(), () => new ShowIncident(service).run(incident.number));
    assert.equal(requests.length, 1 + Math.ceil(150 / 100));
    assert.equal(result.timeline.length, 150);
    assert.deepEqual(
      result.timeline.slice(0, 3).map((e) => ('text' in e ? e.text : '')),
      ['step 0', 'step 1', 'step 2'],
    );
  });

  it('lists active incidents with one request, without pull requests or resolved incidents', async () => {
    const { service } = serviceFor(sandbox());
    const resolved = await new DeclareIncident(service).run({ title: 'Old one' });
    await new ResolveIncident(service).run(resolved);
    await service.settle();
    const drill = await new DeclareIncident(service).run({ title: 'Practice', drill: true });
    sandbox().store.createIssueDirect(slug, {
      title: 'A PR',
      body: '',
      labels: ['incident'],
      pullRequest: true,
      author: 'octo-lead',
    });
    const { result, requests } = await countRequests(sandbox(), () => new ListIncidents(service).run());
    assert.equal(requests.length, 1);
    assert.ok(result.some((i) => i.number === drill.number && i.drill));
    assert.ok(!result.some((i) => i.number === resolved.number));
    assert.ok(!result.some((i) => i.title === 'A PR'));
  });

  it('polling the list again answers 304 and costs no rate limit', async () => {
    const { service } = serviceFor(sandbox());
    await new ListIncidents(service).run();
    const { requests } = await countRequests(sandbox(), () => new ListIncidents(service).run());
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.conditional, true);
    assert.equal(requests[0]?.status, 304);
  });

  it('repair restores the body and labels from the timeline after hand edits, then finds nothing to do', async () => {
    const { service, gateway } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'Repair me', severity: 'minor' });
    await new ChangeSeverity(service).run(incident, 'major');
    await gateway.updateIssue(incident.number, {
      body: 'someone replaced the body',
      labels: ['incident', 'customer-facing'],
    });
    const { changed, incident: repaired } = await new RepairIncident(service).run(incident.number);
    assert.deepEqual(changed.sort(), ['body', 'labels']);
    assert.equal(repaired.severity, 'major');
    const { labels } = issueIn(sandbox(), incident.number);
    assert.ok(labels.includes('severity:major') && labels.includes('customer-facing'), 'foreign labels are kept');
    const again = await countRequests(sandbox(), () => new RepairIncident(service).run(incident.number));
    assert.deepEqual(again.result.changed, []);
    assert.ok(again.requests.every((r) => r.method === 'GET'));
  });

  it('ignores a forged entry marker from a user without push access', async () => {
    const { service } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'Forgery', severity: 'minor' });
    sandbox().store.createCommentDirect(slug, incident.number, {
      author: 'outsider',
      authorAssociation: 'NONE',
      body: formatMarker('entry', {
        kind: 'severity',
        key: 'forged',
        at: new Date().toISOString(),
        from: 'minor',
        to: 'critical',
      }),
    });
    const shown = await new ShowIncident(service).run(incident.number);
    assert.equal(shown.severity, 'minor');
    assert.equal(shown.timeline.length, 0);
  });

  it('a private incident goes to the private repository only', async () => {
    const config = parseConfig('repository: acme/shop\nprivate-repository: acme/secret\n');
    const { service } = serviceFor(sandbox(), { config });
    const incident = await new DeclareIncident(service).run({ title: 'Leaked key', private: true });
    assert.deepEqual(incident.repo, { owner: 'acme', name: 'secret' });
    assert.ok(
      !sandbox()
        .store.issues(slug)
        .some((i) => i.title.includes('Leaked key')),
    );
    await new LogEntry(service).run(incident, { kind: 'action', text: 'Rotated the key' });
    assert.equal(sandbox().store.comments('acme/secret', incident.number).length, 1);
  });

  it('fixes the colors of labels GitHub created grey, once per repository', async () => {
    const { service } = serviceFor(sandbox(), { repo: { owner: 'acme', name: 'labels' } });
    await new DeclareIncident(service).run({ title: 'Colors', severity: 'critical' });
    assert.equal(
      sandbox()
        .store.labels('acme/labels')
        .find((l) => l.name === 'severity:critical')?.color,
      'ededed',
    );
    const written = await new RepairIncident(service).syncLabels();
    assert.ok(written >= 4);
    assert.equal(
      sandbox()
        .store.labels('acme/labels')
        .find((l) => l.name === 'severity:critical')?.color,
      'b60205',
    );
    const again = await countRequests(sandbox(), () => new RepairIncident(service).syncLabels());
    assert.equal(again.requests.length, 0);
  });

  it('says what to fix when the token is wrong, without repeating the token', async () => {
    const { service } = serviceFor(sandbox(), { token: 'ghp_wrongtoken123' });
    await assert.rejects(new DeclareIncident(service).run({ title: 'x' }), (e: unknown) => {
      assert.ok(e instanceof GitHubError);
      assert.equal(e.code, 'auth');
      assert.match(e.hint ?? '', /Sign in again|GITHUB_TOKEN/);
      assert.ok(!e.message.includes('ghp_wrongtoken123'));
      return true;
    });
  });

  it('a user without write access gets a permission error naming the repository', async () => {
    const { service } = serviceFor(sandbox(), { token: 'sandbox-token-lead' });
    const incident = await new DeclareIncident(service).run({ title: 'by a collaborator' });
    assert.ok(incident.number > 0);
  });
});

describe('gateway under faults', () => {
  const sandboxRef = useSandbox();
  const sandbox = () => sandboxRef.get();

  for (const kind of ['http500', 'http502', 'http503', 'reset', 'applied-502', 'secondary-rate-limit'] as const) {
    it(`a declare that meets ${kind} creates exactly one issue`, async () => {
      const { service } = serviceFor(sandbox());
      const before = sandbox().store.issues(slug).length;
      sandbox().failNext(kind, 1, { method: 'POST', pathIncludes: '/issues' });
      const incident = await new DeclareIncident(service).run({ title: `declare under ${kind}` });
      assert.equal(sandbox().store.issues(slug).length, before + 1);
      assert.equal(
        sandbox()
          .store.issues(slug)
          .filter((i) => i.title === `declare under ${kind}`).length,
        1,
      );
      assert.ok(incident.number > 0);
    });

    it(`a log entry that meets ${kind} lands exactly once`, async () => {
      const { service } = serviceFor(sandbox());
      const incident = await new DeclareIncident(service).run({ title: `log under ${kind}` });
      sandbox().failNext(kind, 2, { method: 'POST', pathIncludes: '/comments' });
      const entry = await new LogEntry(service).run(incident, { kind: 'action', text: 'once' });
      const comments = sandbox().store.comments(slug, incident.number);
      assert.equal(comments.length, 1);
      assert.equal(comments[0]?.id, entry.commentId);
    });
  }

  it('reads survive transient errors through retries', async () => {
    const { service } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'flaky reads' });
    sandbox().failNext('http502', 2, { method: 'GET' });
    const shown = await new ShowIncident(service).run(incident.number);
    assert.equal(shown.number, incident.number);
  });

  it('when GitHub is down, a write fails with a message that says GitHub is not answering', async () => {
    const { service } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'down' });
    sandbox().setDown(true);
    try {
      await assert.rejects(
        new LogEntry(service).run(incident, { kind: 'action', text: 'x' }),
        (e: unknown) => e instanceof GitHubError && e.code === 'unavailable',
      );
    } finally {
      sandbox().setDown(false);
    }
  });

  it('waits for the primary rate limit to reset instead of hammering, and says so', async () => {
    const warnings: string[] = [];
    const { service } = serviceFor(sandbox(), {
      log: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m) },
    });
    sandbox().exhaustRateLimit('sandbox-token', 1);
    const start = sandbox().requests.length;
    const incident = await new DeclareIncident(service).run({ title: 'after the reset' });
    assert.ok(incident.number > 0);
    const made = sandbox()
      .requests.slice(start)
      .map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.ok(made.length <= 2, `one refused request, one after the reset; made ${made.join(', ')}`);
    assert.ok(
      warnings.some((w) => /rate limit exhausted; waiting \d+ s/.test(w)),
      warnings.join('\n'),
    );
  });
});
