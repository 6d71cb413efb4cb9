import assert from 'node:assert/strict';
import { readMarker } from '../../core/domain/event-log';
import { Status } from '../../core/use-cases/status';
import { useSandbox } from '../sandbox/support';
import { issueFormBody, REPO, world, type World } from './world';
import { AssignRole } from '../../core/use-cases/assign-role';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { PostUpdate } from '../../core/use-cases/post-update';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

const HOUR = 3_600_000;

describe('status summary', () => {
  const sandbox = useSandbox();

  function status(w: World, now = new Date()) {
    return new Status({ ...w, now: () => now });
  }

  it('summarizes active incidents with lead, age, last update and next update due, newest first', async () => {
    const w = world(sandbox());
    const older = await new DeclareIncident(w.service({ now: new Date(Date.now() - 2 * HOUR) })).run({
      title: 'Checkout down',
      severity: 'critical',
      lead: 'octo-lead',
    });
    const newer = await new DeclareIncident(w.service()).run({ title: 'Search slow', severity: 'minor' });
    await new PostUpdate(w.service()).run(newer.number, { text: 'Looking at the index.' });
    await new DeclareIncident(w.service()).run({ title: 'Game day', severity: 'major', drill: true });
    const result = await status(w).run();
    assert.deepEqual(
      result.active.map((a) => a.title),
      ['Game day', 'Search slow', 'Checkout down'],
    );
    const critical = result.active.find((a) => a.number === older.number);
    assert.equal(critical?.lead, 'octo-lead');
    assert.equal(critical?.age, '2h');
    assert.equal(critical?.overdue, true);
    assert.equal(result.active.find((a) => a.number === newer.number)?.overdue, false);
    assert.match(result.markdown, /## 🔥 3 active incidents/);
    assert.match(
      result.markdown,
      new RegExp(
        `\\| \\[#${older.number} Checkout down\\]\\(.*\\) \\| \`critical\` \\| declared \\| @octo-lead \\| 2h \\| _none_ \\| .* UTC ⚠️ \\*\\*overdue\\*\\* \\|`,
      ),
    );
    assert.match(result.markdown, /Game day\]\(.*\) _\(drill\)_/);
  });

  it('reminds an overdue incident once per overdue period, with the lead mentioned', async () => {
    const w = world(sandbox());
    const incident = await new DeclareIncident(w.service({ now: new Date(Date.now() - 2 * HOUR) })).run({
      title: 'Checkout down',
      severity: 'critical',
      lead: 'octo-lead',
    });
    await new AssignRole(w.service()).run(incident.number, 'comms', 'octo-comms');
    const reminderComments = () =>
      sandbox()
        .store.comments(REPO, incident.number)
        .filter((c) => readMarker(c.body, 'reminder'));

    const first = await status(w).run({ remind: true });
    assert.deepEqual(
      first.reminders.map((r) => r.posted),
      [true],
    );
    const again = await status(w).run({ remind: true });
    assert.deepEqual(
      again.reminders.map((r) => r.posted),
      [false],
    );
    assert.equal(reminderComments().length, 1);
    assert.match(
      reminderComments()[0]?.body ?? '',
      /⏰ \*\*Update overdue\.\*\* .*`critical` incidents get an update every 30m.*\n\n@octo-lead @octo-comms: please post an update/s,
    );

    // A cadence later, still without an update: the next overdue period, one more reminder.
    await status(w, new Date(Date.now() + 31 * 60_000)).run({ remind: true });
    assert.equal(reminderComments().length, 2);

    // An update starts a new cadence: nothing is overdue any more.
    await new PostUpdate(w.service()).run(incident.number, { text: 'Rolled back.' });
    const after = await status(w).run({ remind: true });
    assert.deepEqual(after.reminders, []);
  });

  it('does not remind when remind is off, or for incidents that are on time', async () => {
    const w = world(sandbox());
    await new DeclareIncident(w.service({ now: new Date(Date.now() - 2 * HOUR) })).run({
      title: 'Checkout down',
      severity: 'critical',
    });
    await new DeclareIncident(w.service()).run({ title: 'Fresh', severity: 'critical' });
    const result = await status(w).run({ remind: false });
    assert.deepEqual(result.reminders, []);
    assert.equal(sandbox().store.comments(REPO).length, 0);
  });

  it('metrics count resolved incidents per severity with median times, excluding drills and mistakes', async () => {
    const w = world(sandbox());
    const declaredAt = new Date(Date.now() - 5 * HOUR);
    const past = w.service({ now: declaredAt });
    const a = await new DeclareIncident(past).run({ title: 'A', severity: 'major' });
    const b = await new DeclareIncident(past).run({ title: 'B', severity: 'major' });
    const drill = await new DeclareIncident(past).run({ title: 'Game day', severity: 'critical', drill: true });
    await new PostUpdate(w.service({ now: new Date(declaredAt.getTime() + HOUR) })).run(a.number, {
      text: 'Fixed, watching.',
      status: 'monitoring',
    });
    await new ResolveIncident(w.service({ now: new Date(declaredAt.getTime() + 2 * HOUR) })).run(a.number);
    await new ResolveIncident(w.service({ now: new Date(declaredAt.getTime() + 4 * HOUR) })).run(b.number);
    await new ResolveIncident(w.service()).run(drill.number);
    sandbox().store.createIssueDirect(REPO, {
      title: 'Not an incident after all',
      body: issueFormBody({ severity: 'critical', what: 'x' }),
      labels: ['incident'],
      state: 'closed',
      stateReason: 'not_planned',
    });

    const result = await status(w).run();
    assert.equal(result.metrics.resolved, 2);
    assert.deepEqual(result.metrics.rows, [
      {
        severity: 'major',
        count: 2,
        medianMinutesToMitigate: 150,
        medianMinutesToResolve: 180,
        meanMinutesToAcknowledge: 150,
        meanMinutesToResolve: 180,
      },
    ]);
    assert.match(result.markdown, /\| `major` \| 2 \| 2h30m \| 3h \| 2h30m \| 3h \|/);
    assert.match(result.markdown, /_Drills are not counted\._/);
    // Incidents per week by severity: the drill and the mistake are not counted.
    const { weeks, bySeverity } = result.metrics.weekly;
    assert.ok(weeks.length >= 13 && weeks.length <= 14);
    assert.deepEqual(
      bySeverity.map((s) => [s.severity, s.counts.reduce((a, b) => a + b, 0), s.counts.length]),
      [['major', 2, weeks.length]],
    );
    assert.match(result.markdown, /```mermaid\nxychart-beta\n {2}title "Incidents declared per week, by severity"\n/);
    assert.match(result.markdown, /\n {2}bar \[(0, )*[12](, 0)*\]\n```/);
    assert.match(result.markdown, /from the top: major \(2\)/);
  });

  it('keeps the summary issue body as the digest with one edit, and never comments on it', async () => {
    const w = world(sandbox());
    const digest = sandbox().store.createIssueDirect(REPO, { title: 'Incident status', body: 'placeholder' });
    await new DeclareIncident(w.service()).run({ title: 'Checkout down', severity: 'critical' });
    const result = await status(w).run({ summaryIssue: digest.number });
    assert.equal(result.summaryIssue?.updated, true);
    const body = sandbox().store.issue(REPO, digest.number)?.body ?? '';
    assert.equal(readMarker(body, 'digest')?.['key'], 'firebreak-status-digest');
    assert.ok(body.endsWith(result.markdown));
    assert.equal(sandbox().store.comments(REPO, digest.number).length, 0);
    const again = await status(w).run({ summaryIssue: digest.number });
    assert.equal(again.summaryIssue?.updated, false, 'nothing changed, nothing written');
  });

  it('refuses to overwrite an incident as the summary issue', async () => {
    const w = world(sandbox());
    const incident = await new DeclareIncident(w.service()).run({ title: 'Checkout down', severity: 'critical' });
    await assert.rejects(
      status(w).run({ summaryIssue: incident.number }),
      /is an incident; its body is the incident's summary/,
    );
  });

  it('says so when nothing is active', async () => {
    const w = world(sandbox());
    const result = await status(w).run({ remind: true });
    assert.match(result.markdown, /^## ✅ No active incidents/);
    assert.match(result.markdown, /### Resolved incidents \(last 90 days\)\n_None\. Drills are not counted\._/);
  });
});
