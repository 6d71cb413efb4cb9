import assert from 'node:assert/strict';
import { readIncidentMarker } from '../../core/domain/event-log';
import { useSandbox, wired } from '../support/fixtures';
import { buildAction, errorOf, runAction } from './support';

const ALERT = {
  title: 'Checkout returns 500s',
  fingerprint: 'checkout-5xx',
  status: 'firing',
  severity: 'major',
  url: 'https://status.example.com/checks/checkout',
};

describe('action: alert', function () {
  this.timeout(60_000);
  const sandbox = useSandbox();
  before(buildAction);

  const dispatch = (payload: object) =>
    runAction(sandbox(), {
      inputs: { mode: 'alert' },
      eventName: 'repository_dispatch',
      event: { action: 'firebreak-alert', client_payload: payload },
    });

  it('a firebreak-alert repository_dispatch declares once; a repeat writes nothing; resolved adds one observation', async () => {
    const first = await dispatch(ALERT);
    assert.equal(first.code, 0, first.stdout);
    assert.equal(first.outputs['alert-result'], 'declared');
    const number = Number(first.outputs['incident']);
    const issue = await wired(sandbox()).gateway.getIssue(number);
    assert.ok(issue.labels.includes('severity:major'));
    const marker = readIncidentMarker(issue.body);
    assert.equal(marker?.declaration.lead, 'github-actions[bot]');
    assert.deepEqual(issue.assignees, [], 'nobody holds the lead until a person takes it');

    const before = sandbox().requests.length;
    const again = await dispatch(ALERT);
    assert.equal(again.outputs['alert-result'], 'repeat');
    assert.deepEqual(
      sandbox()
        .requests.slice(before)
        .filter((r) => r.method !== 'GET'),
      [],
    );

    const resolved = await runAction(sandbox(), {
      inputs: { mode: 'alert' },
      eventName: 'workflow_dispatch',
      event: { inputs: { ...ALERT, status: 'resolved', severity: '' } },
    });
    assert.equal(resolved.outputs['alert-result'], 'observed');
    assert.equal(resolved.outputs['incident'], String(number));
    assert.match(resolved.summary, /change of state is recorded/);
  });

  it('says what to fix for another dispatch type or a payload without a fingerprint', async () => {
    const other = await runAction(sandbox(), {
      inputs: { mode: 'alert' },
      eventName: 'repository_dispatch',
      event: { action: 'deploy', client_payload: ALERT },
    });
    assert.equal(other.code, 1);
    assert.match(errorOf(other), /not "firebreak-alert"/);
    const bad = await dispatch({ title: 'x' });
    assert.equal(bad.code, 1);
    assert.match(errorOf(bad), /"fingerprint" is missing/);
  });
});
