import assert from 'node:assert/strict';
import { readMarker } from '../../core/domain/event-log';
import { useSandbox } from '../sandbox/support';
import { issueFormBody, startReceiver, world } from '../core/world';
import { buildAction, REPO, runAction } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

const HOUR = 3_600_000;

describe('action: status', function () {
  this.timeout(30_000);
  const sandbox = useSandbox();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(buildAction);
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it('writes the digest to the job summary, the summary issue and the outputs, and reminds overdue incidents once', async () => {
    const w = world(sandbox());
    const overdue = await new DeclareIncident(w.service({ now: new Date(Date.now() - 2 * HOUR) })).run({
      title: 'Checkout down',
      severity: 'critical',
      lead: 'octo-lead',
    });
    const onTime = await new DeclareIncident(w.service()).run({ title: 'Search slow', severity: 'minor' });
    const digest = sandbox().store.createIssueDirect(REPO, { title: 'Incident status', body: '' });

    const run = await runAction(sandbox(), {
      inputs: { mode: 'status', 'summary-issue': String(digest.number) },
      eventName: 'schedule',
    });
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.summary, /## 🔥 2 active incidents/);
    assert.match(run.summary, /Checkout down.*⚠️ \*\*overdue\*\*/);
    assert.match(run.summary, new RegExp(`Reminded \\[#${overdue.number}\\]`));
    assert.deepEqual(
      (JSON.parse(run.outputs['incidents'] ?? '[]') as { number: number }[]).map((i) => i.number),
      [onTime.number, overdue.number],
    );
    assert.match(run.outputs['summary'] ?? '', /## 🔥 2 active incidents/);
    assert.match(sandbox().store.issue(REPO, digest.number)?.body ?? '', /## 🔥 2 active incidents/);

    const again = await runAction(sandbox(), {
      inputs: { mode: 'status', 'summary-issue': String(digest.number) },
      eventName: 'schedule',
    });
    assert.equal(again.code, 0, again.stdout);
    const reminders = sandbox()
      .store.comments(REPO, overdue.number)
      .filter((c) => readMarker(c.body, 'reminder'));
    assert.equal(reminders.length, 1, 'one reminder per overdue period, however often the schedule runs');
    const [posted] = (await w.gateway.listComments(overdue.number)).filter((c) => readMarker(c.body, 'reminder'));
    assert.equal(posted?.author, 'github-actions[bot]');
    assert.equal(sandbox().store.comments(REPO, onTime.number).length, 0);
    assert.equal(sandbox().store.comments(REPO, digest.number).length, 0, 'the digest is edited, never commented on');
  });

  it('posts the status to the webhook, leading with the event on a declare, and never prints the URL', async () => {
    const w = world(sandbox());
    const incident = await new DeclareIncident(w.service()).run({
      title: 'Checkout down',
      severity: 'critical',
      lead: 'octo-lead',
    });
    const run = await runAction(sandbox(), {
      inputs: { mode: 'status', remind: 'false', 'webhook-url': receiver.url },
      eventName: 'issues',
      event: { action: 'opened', issue: { number: incident.number, labels: [{ name: 'incident' }] } },
    });
    assert.equal(run.code, 0, run.stdout);
    assert.ok(run.stdout.includes(`::add-mask::${receiver.url}`));
    assert.equal(receiver.received.length, 1);
    const text = (receiver.received[0]?.body as { text: string }).text;
    assert.match(
      text,
      new RegExp(
        `^:fire: \\*Incident declared\\*: <${incident.url}\\|#${incident.number} Checkout down> · \`critical\``,
      ),
    );
    assert.match(text, /\*1 active incident\*/);

    // A severity change relabels the issue: not news for the channel.
    const relabeled = await runAction(sandbox(), {
      inputs: { mode: 'status', remind: 'false', 'webhook-url': receiver.url },
      eventName: 'issues',
      event: {
        action: 'labeled',
        label: { name: 'severity:major' },
        issue: { number: incident.number, labels: [{ name: 'incident' }, { name: 'severity:major' }] },
      },
    });
    assert.equal(relabeled.code, 0, relabeled.stdout);
    assert.equal(receiver.received.length, 1);
  });

  it('a scheduled run with nothing active stays quiet on the webhook; a failing webhook fails the step without the URL', async () => {
    const quiet = await runAction(sandbox(), {
      inputs: { mode: 'status', 'webhook-url': receiver.url },
      eventName: 'schedule',
    });
    assert.equal(quiet.code, 0, quiet.stdout);
    assert.equal(receiver.received.length, 0);
    assert.match(quiet.summary, /## ✅ No active incidents/);

    await new DeclareIncident(world(sandbox()).service()).run({ title: 'Checkout down', severity: 'critical' });
    receiver.answers.push(404);
    const failing = await runAction(sandbox(), {
      inputs: { mode: 'status', remind: 'false', 'webhook-url': receiver.url },
      eventName: 'schedule',
    });
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /::error::The webhook did not accept the message \(HTTP 404\)\./);
  });
  it('an issue-form declaration like an active incident gets one comment naming it (issues: opened)', async () => {
    const w = world(sandbox());
    const existing = await new DeclareIncident(w.service()).run({
      title: 'Payments gateway rejects cards',
      severity: 'major',
    });
    const form = sandbox().store.createIssueDirect(REPO, {
      title: 'Payments gateway rejecting all cards',
      body: issueFormBody({ severity: 'major', what: 'Every card payment fails.' }),
      labels: ['incident'],
      author: 'octo-lead',
    });
    const event = { action: 'opened', issue: { number: form.number, labels: [{ name: 'incident' }] } };
    for (const attempt of [0, 1]) {
      const run = await runAction(sandbox(), {
        inputs: { mode: 'status', remind: 'false' },
        eventName: 'issues',
        event,
      });
      assert.equal(run.code, 0, run.stdout);
      if (attempt === 0) assert.match(run.summary, new RegExp(`Also posted: \\[#${form.number} similar incidents\\]`));
    }
    const notes = sandbox()
      .store.comments(REPO, form.number)
      .filter((c) => String(readMarker(c.body, 'nudge')?.['key'] ?? '').startsWith('similar-'));
    assert.equal(notes.length, 1, 'one comment, however often the workflow runs');
    assert.match(notes[0]?.body ?? '', new RegExp(`#${existing.number} Payments gateway rejects cards`));
  });
});
