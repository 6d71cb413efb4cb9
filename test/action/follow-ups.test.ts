import assert from 'node:assert/strict';
import { parseRetroChecklist } from '../../core/domain/retro-checklist';
import type { Sandbox } from '../../sandbox/server';
import { useSandbox } from '../sandbox/support';
import { world } from '../core/world';
import { buildAction, errorOf, REPO, runAction, warningsOf } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';
import { Retro } from '../../core/use-cases/retro';

const RETRO = [
  '## Action items',
  '- [ ] Add an alert on queue depth @octo-lead due:2026-12-01 priority:P1 type:detective',
  '- [ ] Write the rollback runbook @octo-scribe type:process',
  '- [x] Roll back the deploy',
  '- [ ] Fix the thing due:next-week',
  '- Talk to the vendor',
].join('\n');

function followUps(sandbox: Sandbox) {
  const store = sandbox.store;
  const repo = store.ensureRepo(REPO);
  return store.issues(REPO).filter((i) => store.issueLabels(repo, i).some((l) => l.name === 'follow-up'));
}

/** The `issues` event GitHub sends when an incident is closed. */
function closedEvent(number: number) {
  return {
    action: 'closed',
    issue: { number, labels: [{ name: 'incident' }, { name: 'severity:major' }], state: 'closed' },
  };
}

describe('action: follow-ups', function () {
  this.timeout(40_000);
  const sandbox = useSandbox();
  before(buildAction);

  async function resolvedIncidentWithRetro(): Promise<number> {
    const service = world(sandbox()).service();
    const incident = await new DeclareIncident(service).run({
      title: 'Checkout 500s',
      severity: 'major',
      lead: 'octo-lead',
    });
    await new Retro(service).post(incident.number, RETRO);
    await new ResolveIncident(service).run(incident.number);
    return incident.number;
  }

  it('creates one follow-up per unchecked item on incident close, reports malformed lines, and a rerun creates nothing', async () => {
    const number = await resolvedIncidentWithRetro();
    const run = await runAction(sandbox(), {
      inputs: { mode: 'follow-ups' },
      eventName: 'issues',
      event: closedEvent(number),
    });
    assert.equal(run.code, 0, run.stdout);
    const created = JSON.parse(run.outputs['created'] ?? '') as number[];
    assert.equal(created.length, 2);
    const issues = followUps(sandbox());
    assert.deepEqual(
      issues.map((i) => i.number),
      created,
    );
    assert.deepEqual(
      issues.map((i) => i.assignees),
      [['octo-lead'], ['octo-scribe']],
    );
    assert.deepEqual(
      sandbox().store.issue(REPO, number)?.subIssueIds,
      issues.map((i) => i.id),
    );

    const warnings = warningsOf(run).join('\n');
    assert.match(
      warnings,
      /Action item not tracked \(.*#issuecomment-\d+, line 8\): due:next-week is not a date; write due:YYYY-MM-DD/,
    );
    assert.match(warnings, /line 9\): a list item without a checkbox is not tracked/);
    assert.match(run.stdout, /::warning title=Malformed action item::/);
    assert.match(run.summary, /Created 2 follow-ups:/);
    assert.match(run.summary, /### ⚠️ 2 lines not tracked: please fix/);

    const retro =
      sandbox()
        .store.comments(REPO, number)
        .find((c) => c.body.includes('## Action items'))?.body ?? '';
    assert.deepEqual(
      parseRetroChecklist(retro)
        .items.filter((i) => !i.checked)
        .map((i) => i.tracked),
      created,
    );

    sandbox().resetStats();
    const again = await runAction(sandbox(), {
      inputs: { mode: 'follow-ups' },
      eventName: 'issues',
      event: closedEvent(number),
    });
    assert.equal(again.code, 0, again.stdout);
    assert.equal(again.outputs['created'], '[]');
    assert.equal(followUps(sandbox()).length, 2);
    assert.deepEqual(
      sandbox().requests.filter((r) => r.method !== 'GET'),
      [],
      'a rerun writes nothing',
    );
    assert.match(again.summary, /No new follow-ups: every open action item is tracked\./);
  });

  it('two concurrent runs leave exactly one open follow-up per item', async () => {
    const number = await resolvedIncidentWithRetro();
    // A comment edit and the close arrive together; without a concurrency group both runs race.
    const [a, b] = await Promise.all([
      runAction(sandbox(), { inputs: { mode: 'follow-ups' }, eventName: 'issues', event: closedEvent(number) }),
      runAction(sandbox(), {
        inputs: { mode: 'follow-ups', incident: String(number) },
        eventName: 'workflow_dispatch',
        // Another workflow run: its own run key, so it waits for the first run's lock instead of sharing it.
        env: { GITHUB_RUN_ID: '4243' },
      }),
    ]);
    assert.equal(a.code, 0, a.stdout);
    assert.equal(b.code, 0, b.stdout);
    const open = followUps(sandbox()).filter((i) => i.state === 'open');
    assert.deepEqual(open.map((i) => i.title).sort(), ['Add an alert on queue depth', 'Write the rollback runbook']);
    assert.deepEqual(
      followUps(sandbox()).filter((i) => i.state === 'closed'),
      [],
      'the runs took turns through the lock: no duplicate was created (and none notified anyone)',
    );
    const created = [
      ...(JSON.parse(a.outputs['created'] ?? '[]') as number[]),
      ...(JSON.parse(b.outputs['created'] ?? '[]') as number[]),
    ];
    assert.deepEqual(
      created.sort(),
      open.map((i) => i.number).sort(),
      'each kept follow-up is reported by the run that made it',
    );
  });

  it('an issue_comment on an issue that is not an incident does nothing', async () => {
    const issue = sandbox().store.createIssueDirect(REPO, {
      title: 'Feature request',
      body: '## Action items\n- [ ] do it',
    });
    const run = await runAction(sandbox(), {
      inputs: { mode: 'follow-ups' },
      eventName: 'issue_comment',
      event: { action: 'created', issue: { number: issue.number, labels: [] }, comment: { id: 1, body: 'hi' } },
    });
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /::notice::#1 is not an incident/);
    assert.equal(run.outputs['created'], '[]');
    assert.equal(sandbox().requests.length, 0);
  });

  it('without an incident input or an issue event it says what to set', async () => {
    const run = await runAction(sandbox(), { inputs: { mode: 'follow-ups' }, eventName: 'push' });
    assert.equal(run.code, 1);
    assert.match(
      errorOf(run),
      /^Input incident is empty and the event names no issue of the incident repository\.\nRun follow-ups on `issues` or `issue_comment` events, or set `incident: 42`/,
    );
  });
});
