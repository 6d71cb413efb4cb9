import assert from 'node:assert/strict';
import { countRequests, serviceFor, useSandbox } from '../support/sandbox';
import { REPO_SLUG as REPO } from '../support/fixtures';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { RepairIncident } from '../../core/use-cases/repair-incident';

describe('repair', () => {
  const sandbox = useSandbox();

  it('a lead GitHub cannot assign: the same result and the same message on every run, nothing claimed rewritten', async () => {
    sandbox().store.addUser({ login: 'contractor', permission: 'read' });
    const { service } = serviceFor(sandbox());
    const incident = await new DeclareIncident(service).run({
      title: 'Lead without access',
      severity: 'minor',
      lead: 'contractor',
    });
    const issue = () => sandbox().store.issue(REPO, incident.number);
    assert.deepEqual(issue()?.assignees, [], 'GitHub refused the assignee; the body names the lead');
    const first = await new RepairIncident(service).run(incident.number);
    const second = await countRequests(sandbox(), () => new RepairIncident(service).run(incident.number));
    assert.deepEqual(first.changed, [], 'assignees were not rewritten: GitHub kept them as they were');
    assert.deepEqual(second.result.changed, []);
    assert.equal(second.result.incident.roles['lead'], 'contractor');
    assert.deepEqual(issue()?.assignees, []);
  });
});
