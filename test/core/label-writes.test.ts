// Label writes add and remove single labels, never a whole set read earlier: a label a person sets while Firebreak
// works stays, whichever path writes (an alert's state, a change on a loaded incident, a repair).
import assert from 'node:assert/strict';
import type { Alert } from '../../core/alerts/alert';
import type { IssueGateway, IssueRecord } from '../../core/github/issue-gateway';
import { ALERT_RESOLVED_LABEL, AlertIntake } from '../../core/use-cases/alerts';
import { ViewSync } from '../../core/use-cases/view-sync';
import { useSandbox } from '../support/sandbox';
import { WRITER_TOKEN, wired } from '../support/fixtures';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

/**
 * The gateway as Firebreak uses it, with a person's label landing on GitHub (over HTTP, as the web UI sends it) right
 * after one of Firebreak's reads answered: the moment a write from that read would drop it.
 */
function withLabelAfterRead(gateway: IssueGateway, person: IssueGateway, read: 'listIssues' | 'getIssue') {
  let pending: { number: number; label: string } | undefined;
  const wrapped = Object.create(gateway) as IssueGateway;
  const land = async () => {
    const once = pending;
    pending = undefined;
    if (once) await person.addLabels(once.number, [once.label]);
  };
  if (read === 'listIssues')
    wrapped.listIssues = async (filter) => {
      const issues = await gateway.listIssues(filter);
      await land();
      return issues;
    };
  else
    wrapped.getIssue = async (n) => {
      const issue: IssueRecord = await gateway.getIssue(n);
      await land();
      return issue;
    };
  return { gateway: wrapped, labelAfterNextRead: (number: number, label: string) => (pending = { number, label }) };
}

const alert = (status: Alert['status']): Alert => ({
  source: 'generic',
  fingerprint: 'checkout-errors',
  status,
  title: 'Checkout error rate high',
  description: '',
  labels: {},
});

describe('label writes keep what others set since the read', () => {
  const box = useSandbox();
  const sandbox = () => box.get();
  const labelsOf = async (n: number) => (await wired(sandbox()).gateway.getIssue(n)).labels;

  it("a resolved alert adds alert:resolved and keeps a person's label set after the incidents were listed", async () => {
    const receiver = wired(sandbox());
    const person = wired(sandbox(), { token: WRITER_TOKEN, actor: 'octo-lead' });
    const racing = withLabelAfterRead(receiver.gateway, person.gateway, 'listIssues');
    const intake = new AlertIntake({ ...receiver, gateway: racing.gateway, service: receiver.service });
    const [declared] = await intake.receiveAll([alert('firing')]);
    const number = declared?.number ?? 0;

    racing.labelAfterNextRead(number, 'customer-impact');
    assert.equal((await intake.receive(alert('resolved'))).result, 'observed');
    const resolved = await labelsOf(number);
    assert.ok(resolved.includes(ALERT_RESOLVED_LABEL) && resolved.includes('customer-impact'), resolved.join(', '));

    // Firing again removes only alert:resolved, even with another label landing in between.
    racing.labelAfterNextRead(number, 'needs-comms');
    assert.equal((await intake.receive(alert('firing'))).result, 'observed');
    const firing = await labelsOf(number);
    assert.ok(!firing.includes(ALERT_RESOLVED_LABEL), firing.join(', '));
    assert.ok(
      ['customer-impact', 'needs-comms'].every((l) => firing.includes(l)),
      firing.join(', '),
    );
  });

  it("a severity change on an incident loaded before a person's label keeps that label", async () => {
    const { service, gateway } = wired(sandbox());
    const loaded = await new DeclareIncident(service).run({ title: 'Search slow', severity: 'minor' });
    await wired(sandbox(), { token: WRITER_TOKEN }).gateway.addLabels(loaded.number, ['customer-impact']);
    await new ChangeSeverity(service).run(loaded, 'critical');
    await service.settle();
    const labels = (await gateway.getIssue(loaded.number)).labels;
    assert.ok(labels.includes('customer-impact'), labels.join(', '));
    assert.ok(labels.includes('severity:critical') && !labels.includes('severity:minor'), labels.join(', '));
  });

  it('a repair that rewrites the labels keeps a label set between its read and its write', async () => {
    const w = wired(sandbox());
    const incident = await new DeclareIncident(w.service).run({ title: 'Queue backs up', severity: 'major' });
    // A hand edit the repair puts back: severity:major removed.
    await w.gateway.removeLabel(incident.number, 'severity:major');
    const racing = withLabelAfterRead(w.gateway, wired(sandbox(), { token: WRITER_TOKEN }).gateway, 'getIssue');
    racing.labelAfterNextRead(incident.number, 'customer-impact');
    const sync = new ViewSync({ ...w, gateway: racing.gateway, authority: w.connection.authority });
    const { changed } = await sync.converge(incident.number);
    assert.deepEqual(changed, ['labels']);
    const labels = await labelsOf(incident.number);
    assert.ok(
      ['severity:major', 'customer-impact'].every((l) => labels.includes(l)),
      labels.join(', '),
    );
  });

  it('removing a label the issue no longer carries is no error (someone removed it first)', async () => {
    const w = wired(sandbox());
    const incident = await new DeclareIncident(w.service).run({ title: 'Gone already', severity: 'minor' });
    await w.gateway.removeLabel(incident.number, 'not-there');
    assert.ok((await labelsOf(incident.number)).includes('severity:minor'));
  });
});
