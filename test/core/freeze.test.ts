import { trustAll } from '../builders/incident';
import assert from 'node:assert/strict';
import { parseConfig } from '../../core/domain/config';
import { InputError } from '../../core/domain/errors';
import { entriesFromComments } from '../../core/domain/event-log';
import { checkFreeze, freezeSeverities, resolveServices } from '../../core/use-cases/freeze-decision';
import { recordBypass } from '../../core/use-cases/freeze';
import { renderFreezeReport } from '../../core/use-cases/freeze-report';
import { useSandbox } from '../sandbox/support';
import { issueFormBody, REPO, requestsTo, world } from './world';
import { hotfixClaims } from '../../core/use-cases/hotfix';
import { readRecord } from '../../core/use-cases/freeze-statuses';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

const SERVICES_CONFIG = parseConfig(
  [
    'services:',
    '  checkout:',
    '    paths: ["src/checkout/**"]',
    '  search:',
    '    paths: ["src/search/**", "infra/search/*.tf"]',
  ].join('\n'),
);

describe('freeze', () => {
  const sandbox = useSandbox();

  it('is not frozen without active incidents, and decides with one list request', async () => {
    const w = world(sandbox());
    sandbox().resetStats();
    const decision = await checkFreeze(w.gateway, w.config);
    assert.equal(decision.frozen, false);
    assert.deepEqual(decision.severities, ['critical', 'major']);
    assert.deepEqual(
      sandbox().requests.map((r) => `${r.method} ${r.path}`),
      [`GET /repos/${REPO}/issues`],
    );
  });

  it('a critical or major incident freezes; minor, triage and resolved ones do not', async () => {
    const w = world(sandbox());
    const service = w.service();
    const critical = await new DeclareIncident(service).run({ title: 'Checkout down', severity: 'critical' });
    await new DeclareIncident(service).run({ title: 'Slow search', severity: 'minor' });
    await new DeclareIncident(service).run({ title: 'Something odd' });
    const resolved = await new DeclareIncident(service).run({ title: 'Was bad', severity: 'major' });
    await new ResolveIncident(service).run(resolved);
    const decision = await checkFreeze(w.gateway, w.config);
    assert.equal(decision.frozen, true);
    assert.deepEqual(
      decision.freezing.map((i) => i.number),
      [critical.number],
    );
    assert.deepEqual(decision.ignored.map((i) => i.reason).sort(), ['severity', 'severity']);
  });

  it('drills never freeze, whatever their severity', async () => {
    const w = world(sandbox());
    await new DeclareIncident(w.service()).run({ title: 'Game day', severity: 'critical', drill: true });
    const decision = await checkFreeze(w.gateway, w.config);
    assert.equal(decision.frozen, false);
    assert.equal(decision.ignored[0]?.reason, 'drill');
  });

  it('an incident declared from the issue form freezes by the severity it names', async () => {
    const w = world(sandbox());
    sandbox().store.createIssueDirect(REPO, {
      title: 'Payments failing',
      body: issueFormBody({ severity: 'critical', what: 'All card payments fail' }),
      labels: ['incident'],
    });
    const decision = await checkFreeze(w.gateway, w.config);
    assert.equal(decision.frozen, true);
    assert.equal(decision.freezing[0]?.title, 'Payments failing');
  });

  it('scoped to a service: incidents of other services do not freeze it, incidents naming none do', async () => {
    const w = world(sandbox(), { config: SERVICES_CONFIG });
    const service = w.service();
    const search = await new DeclareIncident(service).run({
      title: 'Search down',
      severity: 'critical',
      services: ['search'],
    });
    const decision = await checkFreeze(w.gateway, w.config, { services: ['checkout'] });
    assert.equal(decision.frozen, false);
    assert.equal(decision.ignored[0]?.reason, 'service');

    const searchDeploy = await checkFreeze(w.gateway, w.config, { services: ['infra/search/main.tf'] });
    assert.deepEqual(searchDeploy.services, ['search']);
    assert.deepEqual(
      searchDeploy.freezing.map((i) => i.number),
      [search.number],
    );

    const unscoped = await new DeclareIncident(service).run({ title: 'Everything slow', severity: 'major' });
    const again = await checkFreeze(w.gateway, w.config, { services: ['CHECKOUT'] });
    assert.deepEqual(
      again.freezing.map((i) => i.number),
      [unscoped.number],
    );
  });

  it('names the configured services when the service input matches none', () => {
    assert.throws(
      () => resolveServices(SERVICES_CONFIG, ['billing']),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.match(error.message, /"billing" is neither a configured service nor a path of one/);
        assert.match(error.hint ?? '', /checkout, search/);
        return true;
      },
    );
    assert.deepEqual(resolveServices(SERVICES_CONFIG, ['src/checkout/api/pay.ts']), ['checkout']);
  });

  it('freeze severities can be overridden, and unknown ones are refused with the allowed list', async () => {
    const w = world(sandbox());
    const minor = await new DeclareIncident(w.service()).run({ title: 'Slow search', severity: 'minor' });
    const decision = await checkFreeze(w.gateway, w.config, { severities: ['Minor'] });
    assert.deepEqual(
      decision.freezing.map((i) => i.number),
      [minor.number],
    );
    assert.throws(() => freezeSeverities(w.config, ['sev1']), /Unknown freeze severity "sev1"/);
  });

  it('pages past 100 open incidents only when there are more', async () => {
    const w = world(sandbox());
    for (let i = 0; i < 101; i++)
      sandbox().store.createIssueDirect(REPO, {
        title: `minor ${i}`,
        body: issueFormBody({ severity: i === 0 ? 'major' : 'minor', what: 'x' }),
        labels: ['incident'],
      });
    sandbox().resetStats();
    const decision = await checkFreeze(w.gateway, w.config);
    // Two pages, and one permission read: whether their one author may write decides incident or request.
    assert.equal(requestsTo(sandbox(), 'GET'), 2 + 1);
    assert.equal(decision.freezing.length, 1);
    assert.equal(decision.ignored.length, 100);
  });

  it('records a bypass on every freezing incident with actor, run URL and reason', async () => {
    const w = world(sandbox());
    const service = w.service();
    const a = await new DeclareIncident(service).run({ title: 'Checkout down', severity: 'critical' });
    const b = await new DeclareIncident(service).run({ title: 'Payments slow', severity: 'major' });
    const decision = await checkFreeze(w.gateway, w.config);
    const recorded = await recordBypass(service, decision, {
      actor: 'octo-lead',
      reason: 'Hotfix for #1',
      key: 'bypass-run-7-1',
      runUrl: 'https://github.com/acme/shop/actions/runs/7',
    });
    assert.equal(recorded.length, 2);
    for (const incident of [a, b]) {
      const entries = entriesFromComments(await w.gateway.listComments(incident.number), trustAll);
      assert.equal(entries.length, 1);
      const entry = entries[0];
      assert.equal(entry?.kind, 'bypass');
      if (entry?.kind !== 'bypass') return;
      assert.equal(entry.actor, 'octo-lead');
      assert.equal(entry.reason, 'Hotfix for #1');
      assert.equal(entry.runUrl, 'https://github.com/acme/shop/actions/runs/7');
    }
    await assert.rejects(recordBypass(service, decision, { actor: 'x', reason: '  ', key: 'k' }), /needs a reason/);
  });

  it('the report says which incidents freeze, their severity and lead, and how to bypass', async () => {
    const w = world(sandbox());
    const incident = await new DeclareIncident(w.service()).run({
      title: 'Checkout <b>down</b>',
      severity: 'critical',
      lead: 'octo-lead',
    });
    await new DeclareIncident(w.service()).run({ title: 'Game day', severity: 'critical', drill: true });
    const now = new Date();
    const decision = await checkFreeze(w.gateway, w.config, { now });
    const report = renderFreezeReport({ decision, now, bypassHint: 'Set bypass: true.' });
    assert.match(report, /## 🧊 Deploys are frozen/);
    assert.ok(
      report.includes(
        // The title's HTML is shown as typed, never parsed as a tag (a job summary renders HTML).
        `| [#${incident.number}](${incident.url}) Checkout &lt;b>down&lt;/b> | \`critical\` | declared | @octo-lead |`,
      ),
    );
    assert.match(report, /### How to deploy anyway\n\nSet bypass: true\./);
    assert.match(report, /a drill \(drills never freeze\)/);
  });
});

describe('freeze: hotfix claims and the status record', () => {
  it('reads Fixes/Mitigates incident #N in any case, fixes winning over mitigates for the same incident', () => {
    assert.deepEqual(
      hotfixClaims('Reverts it.\n\nFixes incident #12, mitigates INCIDENT #7\nMitigated incident #12\nfixes #9'),
      [
        { number: 12, verb: 'fixes' },
        { number: 7, verb: 'mitigates' },
      ],
    );
    assert.deepEqual(hotfixClaims('Prefixes incident #3'), []);
    assert.deepEqual(hotfixClaims(undefined), []);
  });

  it('reads claims only where a reader sees them: not in HTML comments, fenced code or code spans', () => {
    const hidden = [
      '<!-- Fixes incident #1 -->',
      'Looks fine <!-- Fixes incident #1',
      '`Fixes incident #1`',
      '``Fixes `incident` #1 ``',
      '```\nFixes incident #1\n```',
      '~~~~ sh\nFixes incident #1\n~~~~',
      '```\nunclosed\nFixes incident #1',
    ];
    for (const text of hidden) assert.deepEqual(hotfixClaims(text), [], text);
    assert.deepEqual(hotfixClaims('`code` then Fixes incident #2 <!-- a --> and `more`'), [
      { number: 2, verb: 'fixes' },
    ]);
    assert.deepEqual(hotfixClaims('```\nx\n```\nMitigates incident #3'), [{ number: 3, verb: 'mitigates' }]);
  });

  it('reads back the record it writes on the default branch, and nothing else', () => {
    const record = (description: string, state: 'success' | 'failure' = 'failure') =>
      readRecord({ state, description });
    assert.deepEqual(record('Frozen by #4, #9 and 2 private incidents until resolved (open pull requests updated)'), {
      numbers: [4, 9],
      privateCount: 2,
    });
    assert.deepEqual(record('No active incident freezes merges (open pull requests updated)', 'success'), {
      numbers: [],
      privateCount: 0,
    });
    // A change status of the same commit, a cut description, a pending mark or a mismatched state is no record.
    assert.equal(record('Frozen by #4 until resolved'), undefined);
    assert.equal(record('Frozen by 30 incidents until resolved (open pull requests updated)'), undefined);
    assert.equal(readRecord({ state: 'pending', description: 'Updating pull requests: Frozen by #4' }), undefined);
    assert.equal(record('Frozen by #4 until resolved (open pull requests updated)', 'success'), undefined);
  });
});
